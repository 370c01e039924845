/// How ``Device/connect(deadline:policy:)`` retries transient failures.
///
/// BlueZ reports `org.bluez.Error.Failed` "le-connection-abort-by-local" when the controller
/// gave up an LE connection attempt (common with busy controllers) and
/// `org.bluez.Error.InProgress` while another connect or discovery of the device runs; both
/// usually succeed on a later attempt.
public struct ConnectPolicy: Sendable, Hashable {
    /// Attempts in total (the first included).
    public var maxAttempts: Int
    /// The pause before the second attempt; doubled for each further one.
    public var initialBackoff: Duration
    /// The longest pause between attempts.
    public var maxBackoff: Duration

    /// A policy; the default makes 4 attempts with pauses of 0.25 s, 0.5 s and 1 s.
    public init(maxAttempts: Int = 4, initialBackoff: Duration = .milliseconds(250), maxBackoff: Duration = .seconds(2)) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// The default policy.
    public static let `default` = ConnectPolicy()

    /// Whether `error` is worth another attempt.
    public static func isTransient(_ error: BlueZError) -> Bool {
        error.isLEConnectionAbortByLocal || error.kind == .inProgress
    }

    /// The pause after failed attempt number `attempt` (1-based).
    func backoff(after attempt: Int) -> Duration {
        var pause = initialBackoff
        for _ in 1..<max(1, attempt) { pause = min(pause * 2, maxBackoff) }
        return min(pause, maxBackoff)
    }
}
