/// A point on a monotonic clock, in milliseconds from an arbitrary origin.
///
/// The state machines never read a clock: the shell passes `now` with every input, and the
/// machines answer with deadlines in the same unit.
public struct MonotonicInstant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since the clock's origin.
    public var milliseconds: UInt64

    /// Creates an instant `milliseconds` after the clock's origin.
    public init(milliseconds: UInt64) { self.milliseconds = milliseconds }

    /// This instant moved `seconds` later.
    public func adding(seconds: UInt64) -> MonotonicInstant {
        MonotonicInstant(milliseconds: milliseconds &+ seconds &* 1000)
    }

    /// This instant moved `milliseconds` later.
    public func adding(milliseconds delta: UInt64) -> MonotonicInstant {
        MonotonicInstant(milliseconds: milliseconds &+ delta)
    }

    /// Orders instants by time.
    public static func < (lhs: MonotonicInstant, rhs: MonotonicInstant) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// "t+<ms>ms".
    public var description: String { "t+\(milliseconds)ms" }
}
