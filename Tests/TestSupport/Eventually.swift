/// What ``eventually(_:within:every:_:)`` throws when the condition did not hold in time.
public struct TimedOut: Error, CustomStringConvertible, Sendable {
    /// What was awaited, as the caller named it.
    public let what: String
    /// How long it was awaited.
    public let timeout: Duration

    /// "timed out after 30 seconds waiting for the device".
    public var description: String { "timed out after \(timeout) waiting for \(what)" }
}

/// Polls `condition` every `interval` until it holds; throws ``TimedOut`` naming `what` once
/// `timeout` has passed without it holding. For state a test cannot await directly (what a fake
/// recorded, a signal log, a child process's output). The timeout is generous by default: it
/// only keeps a broken test from hanging. An error thrown by `condition` ends the wait at once.
public func eventually(
    _ what: String, within timeout: Duration = .seconds(30), every interval: Duration = .milliseconds(10),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TimedOut(what: what, timeout: timeout) }
        try await Task.sleep(for: interval)
    }
}

/// ``eventually(_:within:every:_:)`` with an absolute deadline.
public func eventually(
    _ what: String, deadline: ContinuousClock.Instant, every interval: Duration = .milliseconds(10),
    _ condition: () async throws -> Bool
) async throws {
    try await eventually(what, within: deadline - .now, every: interval, condition)
}
