import Deadlines
import SetupCentral

/// A command's one overall deadline: `--timeout` from the moment it was made. Every step the
/// command runs under it (reading secrets, the request itself) shares it, so the whole command
/// ends in time; past it the running step is cancelled and the command fails with `timeout`.
struct CommandDeadline: Sendable {
    /// When the command's time is up.
    let instant: ContinuousClock.Instant
    /// The `--timeout` it came from, for the message.
    let seconds: Double

    /// The deadline `seconds` from now (checked finite and in range by the command's options).
    init(seconds: Double) {
        self.seconds = seconds
        instant = .now + NumberOptions.duration(seconds: seconds)
    }

    /// Runs `operation` until it returns or the deadline passes (the shared ``withDeadline``).
    func run<Value: Sendable>(_ operation: @escaping @Sendable () async throws(SetupError) -> Value) async throws(SetupError) -> Value {
        try await withDeadline(
            instant, timedOut: SetupError(.timedOut, "no result within \(Int(seconds)) s"),
            cancelled: SetupError(.internalError, "cancelled"), operation)
    }
}
