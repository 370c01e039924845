/// Runs `operation` until it returns or `deadline` passes, whichever comes first.
///
/// Past the deadline the operation's task is cancelled and `timedOut` is thrown; the call returns
/// only once the operation has ended, so nothing it started outlives the call. When the calling
/// task is cancelled, the operation is cancelled too and a failure it ends with is reported as
/// `cancelled`. Errors the operation throws otherwise pass through unchanged.
///
/// The one deadline helper of the project: the BlueZ client, the session drivers and the
/// command-line tool all bound their waits with it.
public func withDeadline<Value: Sendable, Failure: Error>(
    _ deadline: ContinuousClock.Instant,
    timedOut: Failure,
    cancelled: Failure,
    _ operation: @escaping @Sendable () async throws(Failure) -> Value
) async throws(Failure) -> Value {
    let outcome = await withTaskGroup(of: Result<Value, Failure>?.self) { group -> Result<Value, Failure> in
        group.addTask {
            do throws(Failure) { return .success(try await operation()) } catch { return .failure(error) }
        }
        group.addTask {
            do { try await Task.sleep(until: deadline, clock: .continuous) } catch { return nil }
            return .failure(timedOut)
        }
        defer { group.cancelAll() }
        // The sleeper answers nil only when it was cancelled with the caller: the operation's
        // own outcome follows.
        while let next = await group.next() {
            if let next { return next }
        }
        return .failure(cancelled)
    }
    switch outcome {
    case .success(let value): return value
    case .failure(let error): throw Task.isCancelled ? cancelled : error
    }
}

/// ``withDeadline(_:timedOut:cancelled:_:)`` with the deadline `timeout` from now.
public func withTimeout<Value: Sendable, Failure: Error>(
    _ timeout: Duration,
    timedOut: Failure,
    cancelled: Failure,
    _ operation: @escaping @Sendable () async throws(Failure) -> Value
) async throws(Failure) -> Value {
    try await withDeadline(.now + timeout, timedOut: timedOut, cancelled: cancelled, operation)
}
