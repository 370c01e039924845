/// Runs `operation` until it returns or `deadline` passes, whichever is first.
///
/// Past the deadline the operation is cancelled and `.timedOut` is thrown, naming `what`; a
/// cancelled caller gets `.cancelled`. Errors the operation throws are passed through as
/// `BlueZError`s.
func withDeadline<T: Sendable>(
    _ deadline: ContinuousClock.Instant, _ what: String,
    _ operation: @escaping @Sendable () async throws(BlueZError) -> T
) async throws(BlueZError) -> T {
    do {
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw BlueZError(.timedOut, message: "timed out waiting for \(what)")
            }
            return value
        }
    } catch let error as BlueZError {
        throw error
    } catch {
        throw BlueZError(.cancelled, message: "cancelled while waiting for \(what)")
    }
}

extension ContinuousClock.Instant {
    /// The time left until this instant, or zero when it passed; used as a D-Bus call timeout.
    var remaining: Duration {
        let left = self - ContinuousClock.now
        return left > .zero ? left : .milliseconds(1)
    }
}
