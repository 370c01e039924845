/// Which queued job runs next: first come, first served, at most ``jobsPerAdapter`` running
/// jobs per adapter, one job per printer at a time, the least busy adapter first. Pure
/// bookkeeping (no I/O), so that the rules are tested on their own.
public struct JobScheduler: Sendable {
    /// A queued job as the scheduler sees it.
    public struct Ticket: Sendable, Equatable {
        /// The job's number.
        public var id: UInt64
        /// The adapter the request names, if any.
        public var adapter: String?
        /// The request's `Printer`, if any.
        public var printer: String?

        /// A ticket.
        public init(id: UInt64, adapter: String?, printer: String?) {
            self.id = id
            self.adapter = adapter
            self.printer = printer
        }
    }

    /// A job's start: which job on which adapter.
    public struct Start: Sendable, Equatable {
        /// The job's number.
        public var id: UInt64
        /// The adapter it runs on.
        public var adapter: String
    }

    private struct Running {
        var adapter: String
        var printerNames: Set<String>
    }

    /// The adapters, in order of preference on a tie.
    public var adapters: [String]
    /// Running jobs per adapter at most.
    public let jobsPerAdapter: Int
    /// Queued jobs at most.
    public let maxQueued: Int
    private(set) var queue: [Ticket] = []
    private var running: [UInt64: Running] = [:]

    /// An empty scheduler.
    public init(adapters: [String], jobsPerAdapter: Int, maxQueued: Int) {
        self.adapters = adapters
        self.jobsPerAdapter = jobsPerAdapter
        self.maxQueued = maxQueued
    }

    /// Jobs waiting.
    public var queuedCount: Int { queue.count }
    /// Jobs running.
    public var runningCount: Int { running.count }

    /// Queues `ticket`; false when the queue is full.
    public mutating func enqueue(_ ticket: Ticket) -> Bool {
        guard queue.count < maxQueued else { return false }
        queue.append(ticket)
        return true
    }

    /// Takes a queued job out (cancelled); false if it was not queued.
    public mutating func remove(_ id: UInt64) -> Bool {
        guard let index = queue.firstIndex(where: { $0.id == id }) else { return false }
        queue.remove(at: index)
        return true
    }

    /// Takes every queued job out, in order.
    public mutating func removeAll() -> [Ticket] {
        defer { queue = [] }
        return queue
    }

    /// Marks the printer a running job works on (its short id and address), so that requests
    /// naming it wait.
    public mutating func running(_ id: UInt64, isOn names: [String]) {
        running[id]?.printerNames.formUnion(names.map { $0.lowercased() })
    }

    /// A running job ended.
    public mutating func finished(_ id: UInt64) {
        running[id] = nil
    }

    /// The jobs that may start now, in queue order; they count as running from here on.
    public mutating func next() -> [Start] {
        var starts: [Start] = []
        var index = 0
        while index < queue.count {
            let ticket = queue[index]
            if let adapter = slot(for: ticket), !printerIsBusy(ticket) {
                queue.remove(at: index)
                running[ticket.id] = Running(adapter: adapter, printerNames: ticket.printer.map { [$0.lowercased()] } ?? [])
                starts.append(Start(id: ticket.id, adapter: adapter))
            } else {
                index += 1
            }
        }
        return starts
    }

    private func load(of adapter: String) -> Int {
        running.values.filter { $0.adapter == adapter }.count
    }

    private func slot(for ticket: Ticket) -> String? {
        let candidates = ticket.adapter.map { [$0] } ?? adapters
        let free = candidates.filter { adapters.contains($0) && load(of: $0) < jobsPerAdapter }
        return free.min { load(of: $0) < load(of: $1) }
    }

    private func printerIsBusy(_ ticket: Ticket) -> Bool {
        guard let printer = ticket.printer?.lowercased() else { return false }
        return running.values.contains { $0.printerNames.contains(printer) }
    }
}
