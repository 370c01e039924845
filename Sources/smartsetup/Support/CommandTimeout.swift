import Deadlines
import SetupCentral

/// Runs a command's whole operation within its `--timeout` (the shared ``withTimeout``): past it
/// the operation is cancelled and the command fails with `timeout`.
func withCommandTimeout<Value: Sendable>(
    seconds: Double, _ operation: @escaping @Sendable () async throws(SetupError) -> Value
) async throws(SetupError) -> Value {
    try await withTimeout(
        NumberOptions.duration(seconds: seconds), timedOut: SetupError(.timedOut, "no result within \(Int(seconds)) s"),
        cancelled: SetupError(.internalError, "cancelled"), operation)
}
