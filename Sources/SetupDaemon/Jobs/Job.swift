import DBus
import SetupCentral
import SetupProtocol
import Synchronization

/// One job (`io.smartsetup1.Job1`): its request, its published properties and the way to cancel
/// it. Every change goes through ``update(_:)``, which tells ``onChange`` the names of the
/// properties that changed (the D-Bus shell turns them into one `PropertiesChanged`).
public final class Job: Sendable {
    /// What the object shows.
    public struct Snapshot: Sendable {
        /// `Printer`: short id once chosen, else the request's `Printer`, else "".
        public var printer: String
        /// `PrinterAddress`.
        public var printerAddress = ""
        /// `Adapter`.
        public var adapter = ""
        /// `State`.
        public var state = JobState.queued
        /// `Attempt`.
        public var attempt: UInt32 = 0
        /// `Error`.
        public var error = ""
        /// `ExitCode`.
        public var exitCode: Int32 = -1
        /// `Message`.
        public var message = "waiting in the queue"
        /// `Address`.
        public var address = ""
        /// `Networks`.
        public var networks: [ScanResult] = []
        /// `Created`, `Started`, `Finished` (microseconds since the epoch, 0: not yet).
        public var created: UInt64
        /// See ``created``.
        public var started: UInt64 = 0
        /// See ``created``.
        public var finished: UInt64 = 0
        /// Seconds spent per state, for the history.
        public var phases: [JobState: Double] = [:]
        /// The printer chosen (for the history).
        public var chosen: DiscoveredPrinter?
    }

    /// The job's number (`/io/smartsetup1/jobs/<id>`).
    public let id: UInt64
    /// Its object path.
    public let path: DBusObjectPath
    /// The request.
    public let request: JobRequest
    /// The unique bus name of the requester.
    public let owner: String
    /// Called with the names of changed properties, outside the job's lock.
    let onChange: @Sendable (Job, [String]) -> Void

    private struct State {
        var snapshot: Snapshot
        var enteredState: ContinuousClock.Instant
        var cancelReason: String?
        var cancelWaiters: [CheckedContinuation<String, Never>] = []
    }

    private let state: Mutex<State>

    /// A queued job.
    public init(id: UInt64, path: DBusObjectPath, request: JobRequest, owner: String, onChange: @escaping @Sendable (Job, [String]) -> Void) {
        self.id = id
        self.path = path
        self.request = request
        self.owner = owner
        self.onChange = onChange
        state = Mutex(State(snapshot: Snapshot(printer: request.printer ?? "", created: WallClock.microseconds()), enteredState: .now))
    }

    /// The current properties.
    public var snapshot: Snapshot { state.withLock { $0.snapshot } }

    /// Changes the properties with `change`; the state only moves forward and a final state
    /// never changes. Reports the changed property names to ``onChange``.
    public func update(_ change: (inout Snapshot) -> Void) {
        let changed: [String] = state.withLock { state in
            let before = state.snapshot
            guard !before.state.isFinal else { return [] }
            var after = before
            change(&after)
            if after.state < before.state { after.state = before.state }
            if after.state != before.state {
                let now = ContinuousClock.now
                let spent = now - state.enteredState
                after.phases[before.state, default: 0] += Double(spent.components.seconds) + Double(spent.components.attoseconds) / 1e18
                state.enteredState = now
                if before.state == .queued { after.started = WallClock.microseconds() }
                if after.state.isFinal { after.finished = WallClock.microseconds() }
            }
            state.snapshot = after
            return Self.differences(before, after)
        }
        if !changed.isEmpty { onChange(self, changed) }
    }

    /// Ends the job with `outcome` (no effect on a finished job): one change, so one
    /// `PropertiesChanged` carries the final state with its error, message and result.
    public func finish(_ outcome: JobOutcome) {
        update { snapshot in
            snapshot.address = outcome.address
            snapshot.networks = outcome.networks
            snapshot.state = outcome.state
            snapshot.error = outcome.error
            snapshot.exitCode = outcome.exitCode
            snapshot.message = outcome.message
        }
    }

    /// Asks the job to stop for `reason`; whoever waits in ``cancellation()`` is woken.
    public func cancel(reason: String) {
        let waiters = state.withLock { state -> [CheckedContinuation<String, Never>] in
            guard state.cancelReason == nil else { return [] }
            state.cancelReason = reason
            defer { state.cancelWaiters = [] }
            return state.cancelWaiters
        }
        for waiter in waiters { waiter.resume(returning: reason) }
    }

    /// Returns the reason once the job is cancelled. Waits forever otherwise: race it.
    func cancellation() async -> String {
        await withCheckedContinuation { continuation in
            let reason: String? = state.withLock { state in
                if let reason = state.cancelReason { return reason }
                state.cancelWaiters.append(continuation)
                return nil
            }
            if let reason { continuation.resume(returning: reason) }
        }
    }

    static func differences(_ a: Snapshot, _ b: Snapshot) -> [String] {
        var names: [String] = []
        if a.printer != b.printer { names.append("Printer") }
        if a.printerAddress != b.printerAddress { names.append("PrinterAddress") }
        if a.adapter != b.adapter { names.append("Adapter") }
        if a.state != b.state { names.append("State") }
        if a.attempt != b.attempt { names.append("Attempt") }
        if a.error != b.error { names.append("Error") }
        if a.exitCode != b.exitCode { names.append("ExitCode") }
        if a.message != b.message { names.append("Message") }
        if a.address != b.address { names.append("Address") }
        if a.networks != b.networks { names.append("Networks") }
        if a.started != b.started { names.append("Started") }
        if a.finished != b.finished { names.append("Finished") }
        return names
    }
}
