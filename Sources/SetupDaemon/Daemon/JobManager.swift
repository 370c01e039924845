import DBus
import Logging
import SetupCentral
import Synchronization

/// The daemon's bookkeeping: jobs, the queue, agents and discovery shares per caller, and the
/// stop. Synchronous under one lock; the work it starts (running jobs, removing finished ones,
/// discovery rounds) is handed to ``work`` and runs as child tasks of ``SetupDaemon/run()``.
final class JobManager: Sendable {
    struct State {
        var scheduler: JobScheduler
        var jobs: [UInt64: Job] = [:]
        var nextID: UInt64 = 1
        var agents: [String: DBusObjectPath] = [:]
        var shares: [String: Int] = [:]
        var discoveryGeneration = 0
        var sweeping = false
        var stopping = false
        var ended: Set<UInt64> = []
        var pendingRecords = 0
    }

    let connection: DBusConnection
    let server: DBusObjectServer
    let limits: DaemonLimits
    let logger: Logger
    let history: (any DaemonHistory)?
    let printers: PrinterDirectory
    let radio: @Sendable (String) async throws(SetupError) -> any SetupRadio
    let work: AsyncStream<@Sendable () async -> Void>.Continuation
    let state: Mutex<State>

    init(
        connection: DBusConnection, server: DBusObjectServer, adapters: [String], limits: DaemonLimits, logger: Logger,
        history: (any DaemonHistory)?, radio: @escaping @Sendable (String) async throws(SetupError) -> any SetupRadio,
        work: AsyncStream<@Sendable () async -> Void>.Continuation
    ) {
        self.connection = connection
        self.server = server
        self.limits = limits
        self.logger = logger
        self.history = history
        self.radio = radio
        self.work = work
        printers = PrinterDirectory(server: server)
        state = Mutex(State(scheduler: JobScheduler(adapters: adapters, jobsPerAdapter: limits.jobsPerAdapter, maxQueued: limits.maxQueuedJobs)))
    }

    var adapters: [String] { state.withLock { $0.scheduler.adapters } }

    // MARK: - Jobs

    /// Queues a checked request from `owner`; returns the job's path.
    func submit(_ request: JobRequest, owner: String) throws(DBusError) -> DBusObjectPath {
        let job: Job = try state.withLock { (state) throws(DBusError) -> Job in
            guard !state.stopping else { throw ServiceNames.error(ServiceNames.ErrorName.shuttingDown, "the service is stopping") }
            guard state.scheduler.queuedCount < limits.maxQueuedJobs else {
                throw ServiceNames.error(ServiceNames.ErrorName.busy, "the queue holds \(limits.maxQueuedJobs) jobs already; try again later")
            }
            let id = state.nextID
            let path = try DBusObjectPath(ServiceNames.jobsPath + "/\(id)")
            state.nextID += 1
            let job = Job(id: id, path: path, request: request, owner: owner) { [weak self] job, names in self?.changed(job, names) }
            state.jobs[id] = job
            _ = state.scheduler.enqueue(JobScheduler.Ticket(id: id, adapter: request.adapter, printer: request.printer))
            return job
        }
        try server.register([JobInterface.make(job, manager: self)], at: job.path)
        log(job, "queued")
        managerChanged(["QueuedJobs"])
        schedule()
        return job.path
    }

    /// Starts what may start now.
    func schedule() {
        let starts = state.withLock { state -> [(Job, String)] in
            guard !state.stopping else { return [] }
            return state.scheduler.next().compactMap { start in state.jobs[start.id].map { ($0, start.adapter) } }
        }
        guard !starts.isEmpty else { return }
        managerChanged(["QueuedJobs", "RunningJobs"])
        for (job, adapter) in starts {
            work.yield { [self] in
                await JobRunner(manager: self).run(job, on: adapter)
                ended(job)
            }
        }
    }

    /// `Job1.Cancel` from `sender`.
    func cancel(_ job: Job, by sender: String?) throws(DBusError) {
        guard sender == job.owner else {
            throw ServiceNames.error(ServiceNames.ErrorName.notAuthorized, "only the connection that requested the job may cancel it")
        }
        cancel(job, reason: "cancelled by its requester")
    }

    /// Cancels `job`: a queued one ends now, a running one at its next step.
    func cancel(_ job: Job, reason: String) {
        let wasQueued = state.withLock { $0.scheduler.remove(job.id) }
        if wasQueued {
            job.finish(.cancelled(reason))
            managerChanged(["QueuedJobs"])
            ended(job, wasRunning: false)
        } else {
            job.cancel(reason: reason)
        }
    }

    /// The printer a running job chose: requests naming it wait until the job ends.
    func chose(_ printer: DiscoveredPrinter, for job: Job) {
        state.withLock { $0.scheduler.running(job.id, isOn: [printer.shortID, printer.address]) }
        printers.setBusy(printer.address, true)
    }

    /// A job reached a final state: free its slot, record it, remove it later.
    func ended(_ job: Job, wasRunning: Bool = true) {
        let first = state.withLock { state -> Bool in
            guard state.ended.insert(job.id).inserted else { return false }
            state.pendingRecords += 1
            return true
        }
        if wasRunning {
            state.withLock { $0.scheduler.finished(job.id) }
            if let address = job.snapshot.chosen?.address { printers.setBusy(address, false) }
            managerChanged(["RunningJobs"])
        }
        guard first else { return }
        work.yield { [self] in
            await record(job)
            state.withLock { $0.pendingRecords -= 1 }
            try? await Task.sleep(for: limits.finishedJobLifetime)
            remove(job)
        }
        schedule()
    }

    /// Whether finished jobs are still being written to the history.
    var isRecording: Bool { state.withLock { $0.pendingRecords > 0 } }

    private func record(_ job: Job) async {
        guard let history else { return }
        do {
            try await history.record(FinishedJob(kind: job.request.kind, snapshot: job.snapshot, ssid: job.request.credentials?.ssid))
        } catch {
            logger.error("could not record the job in the history", metadata: ["job": "\(job.id)", "reason": "\(error)"])
        }
    }

    private func remove(_ job: Job) {
        state.withLock { state in
            state.jobs.removeValue(forKey: job.id)
            state.ended.remove(job.id)
        }
        try? server.unregisterObject(at: job.path)
    }

    /// The property change hook of every job: one log line per state transition.
    private func changed(_ job: Job, _ names: [String]) {
        try? server.propertiesChanged(names, interface: ServiceNames.job, at: job.path)
        if names.contains("State") { log(job, nil) }
    }

    private func log(_ job: Job, _ note: String?) {
        let snapshot = job.snapshot
        var metadata: Logger.Metadata = [
            "job": "\(job.id)", "kind": "\(job.request.kind.rawValue)", "printer": "\(snapshot.printer)", "adapter": "\(snapshot.adapter)",
            "state": "\(snapshot.state.rawValue)", "reason": "\(snapshot.message)",
        ]
        if !snapshot.error.isEmpty { metadata["error"] = "\(snapshot.error)" }
        let level: Logger.Level = snapshot.state == .failed ? .warning : .info
        logger.log(level: level, "\(note ?? "job \(snapshot.state.rawValue)")", metadata: metadata)
    }

    // MARK: - Agents

    /// `RegisterAgent`.
    func registerAgent(_ path: DBusObjectPath, owner: String) throws(DBusError) {
        guard path != .root else { throw ServiceNames.error(ServiceNames.ErrorName.invalidArguments, "agent: the path must not be /") }
        try state.withLock { (state) throws(DBusError) in
            guard state.agents[owner] == nil else {
                throw ServiceNames.error(ServiceNames.ErrorName.alreadyExists, "this connection has an agent already; unregister it first")
            }
            state.agents[owner] = path
        }
        logger.info("agent registered", metadata: ["owner": "\(owner)", "path": "\(path)"])
    }

    /// `UnregisterAgent`.
    func unregisterAgent(_ path: DBusObjectPath, owner: String) throws(DBusError) {
        try state.withLock { (state) throws(DBusError) in
            guard state.agents[owner] == path else {
                throw ServiceNames.error(ServiceNames.ErrorName.doesNotExist, "this connection has no agent at \(path)")
            }
            state.agents[owner] = nil
        }
        logger.info("agent unregistered", metadata: ["owner": "\(owner)"])
    }

    /// The agent of `owner`, if it registered one.
    func agent(of owner: String) -> AgentClient? {
        state.withLock { $0.agents[owner] }.map { AgentClient(connection: connection, owner: owner, path: $0, limits: limits) }
    }

    /// A connection left the bus: its agent and discovery shares go.
    func left(_ owner: String) {
        let (hadAgent, shares) = state.withLock { state in
            (state.agents.removeValue(forKey: owner) != nil, state.shares.removeValue(forKey: owner) ?? 0)
        }
        if hadAgent { logger.info("agent left the bus", metadata: ["owner": "\(owner)"]) }
        if shares > 0 {
            logger.info("discovery shares dropped: the caller left the bus", metadata: ["owner": "\(owner)", "shares": "\(shares)"])
            discoveryChanged()
        }
    }

    // MARK: - Stop

    /// Stops taking work, cancels queued jobs and asks running ones to stop.
    func stop() -> [Job] {
        let (queued, running) = state.withLock { state -> ([Job], [Job]) in
            state.stopping = true
            state.shares = [:]
            if state.discoveryGeneration % 2 == 1 { state.discoveryGeneration += 1 }
            let queued = state.scheduler.removeAll().compactMap { state.jobs[$0.id] }
            let running = state.jobs.values.filter { job in !job.snapshot.state.isFinal && !queued.contains { $0 === job } }
            return (queued, running)
        }
        for job in queued {
            job.finish(.cancelled("the service is stopping"))
            ended(job, wasRunning: false)
        }
        for job in running { job.cancel(reason: "the service is stopping") }
        return queued + running
    }

    var isStopping: Bool { state.withLock { $0.stopping } }

    // MARK: - Manager1 properties

    func managerChanged(_ names: [String]) {
        guard let path = try? DBusObjectPath(ServiceNames.managerPath) else { return }
        try? server.propertiesChanged(names, interface: ServiceNames.manager, at: path)
    }

    struct Counts { var queued: Int; var running: Int; var discovering: Bool }

    var counts: Counts {
        state.withLock { Counts(queued: $0.scheduler.queuedCount, running: $0.scheduler.runningCount, discovering: $0.shares.values.contains { $0 > 0 }) }
    }
}
