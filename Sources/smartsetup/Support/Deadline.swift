import SmartSetup

/// Runs `operation` with an overall deadline; past it the operation is cancelled and the
/// result is `.timedOut`.
func withDeadline<Value: Sendable>(
    seconds: Double, _ operation: @escaping @Sendable () async throws(SetupError) -> Value
) async throws(SetupError) -> Value {
    let outcome: Result<Value, SetupError> = await withTaskGroup(of: Result<Value, SetupError>?.self) { group in
        group.addTask {
            do throws(SetupError) { return .success(try await operation()) } catch { return .failure(error) }
        }
        group.addTask {
            do { try await Task.sleep(for: .milliseconds(Int(seconds * 1000))) } catch { return nil }
            return .failure(SetupError(.timedOut, "no result within \(Int(seconds)) s"))
        }
        while let next = await group.next() {
            if let next {
                group.cancelAll()
                return next
            }
        }
        return .failure(SetupError(.internalError, "cancelled"))
    }
    return try outcome.get()
}
