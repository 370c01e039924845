/// The service's bounds and lifetimes, as `Protocol/dbus-api.md` ("Limits and timing") states them.
public struct DaemonLimits: Sendable {
    /// The most jobs in state `queued`; a request beyond it is refused with `Busy`.
    public var maxQueuedJobs = 32
    /// How many jobs run at once on one adapter.
    public var jobsPerAdapter = 2
    /// How long a finished job's object stays.
    public var finishedJobLifetime: Duration = .seconds(300)
    /// How long a printer object stays after it was last heard.
    public var printerLifetime: Duration = .seconds(30)
    /// The deadline of `RequestPIN`, `RequestPassphrase` and `ConfirmButton`.
    public var agentDeadline: Duration = .seconds(120)
    /// The deadline of `Agent1.Cancel`.
    public var agentCancelDeadline: Duration = .seconds(5)
    /// How long a passphrase descriptor may take to reach its end.
    public var passphraseReadDeadline: Duration = .seconds(2)
    /// A job's deadline when the request gives no `Timeout`.
    public var defaultJobTimeout: Duration = .seconds(180)
    /// How long one discovery round scans each adapter.
    public var discoveryRound: Duration = .seconds(2)
    /// How long running jobs get to end after a stop was asked for, before the daemon lets go.
    public var stopGrace: Duration = .seconds(3)

    /// The documented defaults.
    public init() {}
}
