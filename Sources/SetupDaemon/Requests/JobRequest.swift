import SetupCentral
import SetupProtocol

/// A checked request of `Pair`, `WifiScan`, `Identify` or `Reset` (see "Request keys" in
/// `Protocol/dbus-api.md`). Holds secrets (PIN, passphrase) only in their redacting types.
public struct JobRequest: Sendable {
    /// How the job authenticates.
    public enum Authentication: Sendable {
        /// The `PIN` key.
        case pin(SetupPIN)
        /// `Button` = true.
        case button
        /// Neither: the caller's agent is asked.
        case agent
    }

    /// The kind of job.
    public var kind: JobKind
    /// The `Printer` key.
    public var printer: String?
    /// The `Adapter` key.
    public var adapter: String?
    /// How to authenticate.
    public var authentication: Authentication
    /// The job's deadline from when it leaves the queue.
    public var timeout: Duration
    /// The credentials (pair only).
    public var credentials: WiFiCredentials?
    /// The identify action (identify only).
    public var action: IdentifyAction

    /// Creates a request.
    public init(
        kind: JobKind, printer: String? = nil, adapter: String? = nil, authentication: Authentication, timeout: Duration,
        credentials: WiFiCredentials? = nil, action: IdentifyAction = .blink
    ) {
        self.kind = kind
        self.printer = printer
        self.adapter = adapter
        self.authentication = authentication
        self.timeout = timeout
        self.credentials = credentials
        self.action = action
    }
}
