import SetupProtocol

/// The clock the drivers read `now` from and sleep on to fire the sessions' timers.
public protocol SessionClock: Sendable {
    /// The current instant.
    func now() -> MonotonicInstant
    /// Sleeps until `deadline`; throws when the task is cancelled.
    func sleep(until deadline: MonotonicInstant) async throws
}

/// A ``SessionClock`` over `ContinuousClock`, with its origin at creation.
public struct SystemSessionClock: SessionClock {
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant

    /// Creates a clock whose origin is now.
    public init() { origin = clock.now }

    /// Milliseconds since the origin.
    public func now() -> MonotonicInstant {
        MonotonicInstant(milliseconds: origin.duration(to: clock.now).wholeMilliseconds)
    }

    /// Sleeps until `deadline` on the continuous clock.
    public func sleep(until deadline: MonotonicInstant) async throws {
        let target = origin.advanced(by: .milliseconds(Int64(clamping: deadline.milliseconds)))
        try await clock.sleep(until: target, tolerance: .milliseconds(5))
    }
}

extension Duration {
    /// The duration in whole milliseconds (negative durations count as zero).
    var wholeMilliseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }
}
