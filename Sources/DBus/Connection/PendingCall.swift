/// One method call awaiting its reply: a one-shot result that any number of tasks may await.
///
/// Every mutable field is guarded by the owning ``ConnectionCore``'s lock. The first outcome
/// wins (reply, error, deadline, cancellation or disconnect); later ones are ignored, so a
/// continuation is resumed exactly once.
final class PendingCall: @unchecked Sendable {
    typealias Outcome = Result<DBusMessage, DBusError>

    let serial: UInt32
    let deadline: ContinuousClock.Instant
    /// What the call is for (its member name), for timeout messages.
    let summary: String
    private(set) var outcome: Outcome?
    private var waiters: [CheckedContinuation<Outcome, Never>] = []

    init(serial: UInt32, deadline: ContinuousClock.Instant, summary: String) {
        self.serial = serial
        self.deadline = deadline
        self.summary = summary
    }

    /// Records the outcome unless one exists; returns the waiters to resume (outside the lock).
    /// Call with the core's lock held.
    func complete(_ outcome: Outcome) -> [CheckedContinuation<Outcome, Never>] {
        guard self.outcome == nil else { return [] }
        self.outcome = outcome
        defer { waiters = [] }
        return waiters
    }

    /// Adds a waiter, or returns the outcome if it is already known. Call with the lock held.
    func wait(_ continuation: CheckedContinuation<Outcome, Never>) -> Outcome? {
        if let outcome { return outcome }
        waiters.append(continuation)
        return nil
    }
}

extension [CheckedContinuation<PendingCall.Outcome, Never>] {
    /// Resumes every waiter with `outcome`.
    func resumeAll(_ outcome: PendingCall.Outcome) {
        for waiter in self { waiter.resume(returning: outcome) }
    }
}
