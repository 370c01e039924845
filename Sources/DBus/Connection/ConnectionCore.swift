import CDBus
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The state a ``DBusConnection`` shares between callers and its I/O thread.
///
/// Callers build libdbus messages on their own thread, register under `state`'s lock what they
/// wait for (a ``PendingCall``, a signal subscription), then send the message themselves through
/// ``link`` (under its lock, no thread switch). The I/O thread (``ConnectionLoop``) reads, routes
/// and times out; it is woken through ``waker`` only when it has something to do that its
/// `poll()` cannot see (close, a send libdbus could not finish). Continuations are always
/// resumed outside the locks. Lock order: `state`, then `link`; no code holds `link` while
/// taking `state`.
final class ConnectionCore: Sendable {
    enum Phase {
        /// The I/O thread is connecting; only the Hello call may be queued.
        case starting
        case open
        /// `close()` was called; the I/O thread is shutting down.
        case closing
        /// Over. The error says why (disconnect, or closed locally).
        case ended(DBusError)
    }

    /// One signal stream's filter and buffer.
    struct Subscription {
        let id: UInt64
        let rule: DBusMatchRule
        /// Nil for internal subscriptions that only keep a bus-side rule alive.
        let buffer: EventBuffer<DBusMessage>?
        let registration: MatchRegistration
    }

    /// One `AddMatch` on the bus, shared by every subscription with the same rule text.
    /// Fields are guarded by the core's lock.
    final class MatchRegistration: @unchecked Sendable {
        let text: String
        let addMatch: PendingCall
        var users = 0

        init(text: String, addMatch: PendingCall) {
            self.text = text
            self.addMatch = addMatch
        }
    }

    struct State {
        var phase = Phase.starting
        var pending: [UInt32: PendingCall] = [:]
        var earliestDeadline: ContinuousClock.Instant?
        var methodCallHandler: (@Sendable (DBusMessage) -> Void)?
        var subscriptions: [Subscription] = []
        var registrations: [String: MatchRegistration] = [:]
        var nextSubscriptionID: UInt64 = 1
        /// Owners of the well-known names that rules use as sender.
        var trackedNames: [String: TrackedName] = [:]
        /// Waiting for the end and the release (``waitForEnd()``).
        var endWaiters: [CheckedContinuation<DBusError, Never>] = []
        /// The I/O thread is gone and the socket and wake-up pipe are closed.
        var released = false
    }

    let state = Mutex(State())
    /// The libdbus connection; every libdbus connection call happens under its lock.
    let link = LibDBusLink()
    let waker: LoopWaker
    /// Runs tasks that prefer this connection's I/O thread (``DBusConnection/executor``).
    let executor: ConnectionExecutor
    private let serialCounter = Atomic<UInt32>(1)
    /// Set by the I/O thread once authentication negotiated Unix fd passing.
    let canPassUnixFDs = Atomic<Bool>(false)

    init() throws(DBusError) {
        let waker = try LoopWaker()
        self.waker = waker
        executor = ConnectionExecutor(waker: waker)
    }

    /// A fresh nonzero serial. Every message this connection sends gets its serial here (libdbus
    /// only numbers messages whose serial is 0), so `send` can return it at once.
    func nextSerial() -> UInt32 {
        while true {
            let serial = serialCounter.wrappingAdd(1, ordering: .relaxed).newValue
            if serial != 0 { return serial }
        }
    }

    // MARK: Callers

    /// Sends `message` from the calling thread; takes over its reference. Messages leave in the
    /// order their `send` calls return (libdbus queues in order).
    func send(_ message: LibDBusMessage) throws(DBusError) {
        if let error = state.withLock({ s in Self.refusal(s.phase) }) {
            message.release()
            throw error
        }
        if case .failed(let error) = sendNow(message) { throw error }
    }

    /// Sends through the link and wakes the I/O thread if libdbus left it work.
    private func sendNow(_ message: LibDBusMessage) -> LibDBusLink.SendResult {
        let result = link.send(message)
        if case .sentNeedsLoop = result { wakeLoop() }
        return result
    }

    /// Registers a call awaiting its reply and sends its message (serial already set). A send
    /// that fails completes the call with that error.
    func startCall(_ message: LibDBusMessage, serial: UInt32, timeout: Duration, summary: String) throws(DBusError) -> PendingCall {
        let call = PendingCall(serial: serial, deadline: .now + timeout, summary: summary)
        switch state.withLock({ s in register(&s, call) }) {
        case .failure(let error):
            message.release()
            throw error
        case .success(let deadlineMovedEarlier):
            if deadlineMovedEarlier { wakeLoop() }
        }
        send(message, for: call)
        return call
    }

    /// Sends the message of a registered call; a failure completes the call.
    private func send(_ message: LibDBusMessage, for call: PendingCall) {
        if case .failed(let error) = sendNow(message) { finish(call, with: .failure(error)) }
    }

    /// Adds `call` to the pending calls unless the connection is closing or over. Returns true
    /// when `call` has the earliest deadline: the I/O thread may be asleep in `poll()` with a
    /// later one (or none) and must be woken to recompute it. (The earliest deadline is only
    /// recomputed when it passes, so sequential calls with the same timeout wake it rarely.)
    private func register(_ s: inout State, _ call: PendingCall) -> Result<Bool, DBusError> {
        if let error = Self.refusal(s.phase) { return .failure(error) }
        s.pending[call.serial] = call
        guard s.earliestDeadline.map({ call.deadline < $0 }) ?? true else { return .success(false) }
        s.earliestDeadline = call.deadline
        return .success(true)
    }

    /// The error a send gets in `phase`, nil if sending is allowed.
    private static func refusal(_ phase: Phase) -> DBusError? {
        if case .ended(let error) = phase { return error }
        if case .closing = phase { return closedError }
        return nil
    }

    /// Wakes the I/O thread unless it is already due to wake.
    func wakeLoop() {
        waker.wake()
    }

    /// Waits for `call`'s outcome. Task cancellation cancels the call (`.cancelled`).
    func awaitOutcome(of call: PendingCall, cancellable: Bool = true) async -> PendingCall.Outcome {
        guard cancellable else { return await waitForOutcome(of: call) }
        return await withTaskCancellationHandler {
            await waitForOutcome(of: call)
        } onCancel: {
            self.finish(call, with: .failure(DBusError(.cancelled, message: "the calling task was cancelled")))
        }
    }

    private func waitForOutcome(of call: PendingCall) async -> PendingCall.Outcome {
        await withCheckedContinuation { continuation in
            if let ready = state.withLock({ _ in call.wait(continuation) }) {
                continuation.resume(returning: ready)
            }
        }
    }

    /// Completes `call` with `outcome` unless it already has one, and forgets it.
    func finish(_ call: PendingCall, with outcome: PendingCall.Outcome) {
        let waiters = state.withLock { s in
            if s.pending[call.serial] === call { s.pending[call.serial] = nil }
            return call.complete(outcome)
        }
        waiters.resumeAll(outcome)
    }

    /// Installs the handler for incoming method calls.
    func setMethodCallHandler(_ handler: (@Sendable (DBusMessage) -> Void)?) {
        // The handler replaced is released after the lock (it may hold the last reference to
        // the connection, whose deinit takes the lock).
        let replaced = state.withLock { s in
            defer { s.methodCallHandler = handler }
            return s.methodCallHandler
        }
        withExtendedLifetime(replaced) {}
    }

    /// Waits until the connection ended and released its socket and wake-up pipe; returns why
    /// it ended.
    func waitForEnd() async -> DBusError {
        await withCheckedContinuation { continuation in
            let ended = state.withLock { s -> DBusError? in
                guard s.released else {
                    s.endWaiters.append(continuation)
                    return nil
                }
                return Self.endError(s.phase)
            }
            if let ended { continuation.resume(returning: ended) }
        }
    }

    /// Called once the I/O thread closed the libdbus connection (or when none ever ran): closes
    /// the wake-up pipe and resumes ``waitForEnd()``'s waiters.
    func released() {
        waker.release()
        let (error, waiters) = state.withLock { s in
            s.released = true
            defer { s.endWaiters = [] }
            return (Self.endError(s.phase), s.endWaiters)
        }
        for waiter in waiters { waiter.resume(returning: error) }
    }

    private static func endError(_ phase: Phase) -> DBusError {
        if case .ended(let error) = phase { return error }
        return closedError
    }

    /// True until the connection is closed or lost.
    var isOpen: Bool {
        state.withLock { s in
            if case .open = s.phase { return true }
            return false
        }
    }

    /// Asks the I/O thread to stop and returns at once: it never waits for that thread, which
    /// may be in the middle of a turn (routing, running a handler or a job). The thread then
    /// fails pending calls, ends the streams, closes the socket and the wake-up pipe, and
    /// resumes ``waitForEnd()``. Idempotent.
    func close() {
        state.withLock { s in
            switch s.phase {
            case .starting, .open: s.phase = .closing
            case .closing, .ended: break
            }
        }
        wakeLoop()
    }

    /// The descriptors the connection holds now: its socket while libdbus has it, and the two
    /// ends of its wake-up pipe. For tests that nothing outlives ``close()``.
    var heldDescriptors: [Int32] {
        let socket = link.withLock { link -> [Int32] in
            guard let connection = link.connection else { return [] }
            var fd: Int32 = -1
            return dbus_connection_get_socket(connection, &fd) != 0 ? [fd] : []
        }
        return socket + waker.descriptors
    }

    static let closedError = DBusError(.disconnected, message: "the connection was closed")

    // MARK: Signal subscriptions

    /// Adds a subscription and, for the first user of its rule text, sends `AddMatch`. Returns
    /// the subscription and the `AddMatch` call to await (shared by all users of the rule).
    /// `AddMatch` and `RemoveMatch` are sent with the state lock held, so they leave in the
    /// order the subscriptions changed.
    func subscribe(
        rule: DBusMatchRule, buffer: EventBuffer<DBusMessage>?, addMatch: LibDBusMessage, serial: UInt32,
        timeout: Duration
    ) throws(DBusError) -> Subscription {
        let text = rule.text
        let result = state.withLock { s -> Result<(Subscription, DBusError?), DBusError> in
            var sendFailure: DBusError?
            let registration: MatchRegistration
            if let existing = s.registrations[text], !existing.addMatch.failed {
                registration = existing
                addMatch.release()
            } else {
                let call = PendingCall(serial: serial, deadline: .now + timeout, summary: "AddMatch")
                switch register(&s, call) {
                case .success(let deadlineMovedEarlier): if deadlineMovedEarlier { wakeLoop() }
                case .failure(let error):
                    addMatch.release()
                    return .failure(error)
                }
                if case .failed(let error) = sendNow(addMatch) { sendFailure = error }
                registration = MatchRegistration(text: text, addMatch: call)
                s.registrations[text] = registration
            }
            registration.users += 1
            let subscription = Subscription(id: s.nextSubscriptionID, rule: rule, buffer: buffer, registration: registration)
            s.nextSubscriptionID += 1
            s.subscriptions.append(subscription)
            return .success((subscription, sendFailure))
        }
        let (subscription, sendFailure) = try result.get()
        if let sendFailure { finish(subscription.registration.addMatch, with: .failure(sendFailure)) }
        return subscription
    }

    /// Removes a subscription; the last user of a rule text sends `RemoveMatch` (if `AddMatch`
    /// succeeded). Safe to call more than once and after the connection ended.
    func unsubscribe(id: UInt64) {
        state.withLock { s in
            guard let index = s.subscriptions.firstIndex(where: { $0.id == id }) else { return }
            let registration = s.subscriptions.remove(at: index).registration
            registration.users -= 1
            guard registration.users == 0 else { return }
            if s.registrations[registration.text] === registration { s.registrations[registration.text] = nil }
            guard case .open = s.phase, case .success? = registration.addMatch.outcome else { return }
            guard let removeMatch = try? Self.busCall("RemoveMatch", [.string(registration.text)], serial: nextSerial(), noReply: true) else {
                return
            }
            _ = sendNow(removeMatch)  // a failure means the connection is going away, and the rule with it
        }
    }

    /// A method call to the bus daemon itself.
    static func busCall(_ member: String, _ body: [DBusValue], serial: UInt32, noReply: Bool = false) throws(DBusError) -> LibDBusMessage {
        var message = DBusMessage.methodCall(
            destination: "org.freedesktop.DBus", path: DBusObjectPath(unchecked: "/org/freedesktop/DBus"),
            interface: "org.freedesktop.DBus", member: member, body: body)
        message.noReplyExpected = noReply
        return try LibDBusMessage(message, serial: serial)
    }

    // MARK: I/O thread

    /// The phase, read by the I/O thread at the start of each turn (after ``rearmWakeup()``).
    var phase: Phase {
        state.withLock { $0.phase }
    }

    /// Fails calls whose deadline passed; returns the next deadline.
    func expireCalls(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        var expired: [(PendingCall, [CheckedContinuation<PendingCall.Outcome, Never>])] = []
        let next = state.withLock { s -> ContinuousClock.Instant? in
            guard let earliest = s.earliestDeadline, earliest <= now else { return s.earliestDeadline }
            var nextDeadline: ContinuousClock.Instant?
            for (serial, call) in s.pending {
                if call.deadline <= now {
                    s.pending[serial] = nil
                    expired.append((call, call.complete(.failure(Self.timeoutError(call)))))
                } else if nextDeadline.map({ call.deadline < $0 }) ?? true {
                    nextDeadline = call.deadline
                }
            }
            s.earliestDeadline = nextDeadline
            return nextDeadline
        }
        for (call, waiters) in expired { waiters.resumeAll(.failure(Self.timeoutError(call))) }
        return next
    }

    @inline(never)
    private static func timeoutError(_ call: PendingCall) -> DBusError {
        DBusError(.timedOut, message: "no reply to \(call.summary) before its deadline")
    }

    /// Routes a method return or error to its pending call.
    func deliverReply(_ message: LibDBusMessage) {
        let serial = message.replySerial
        guard let call = state.withLock({ $0.pending.removeValue(forKey: serial) }) else { return }
        let outcome: PendingCall.Outcome
        do {
            let reply = try message.decode()
            if reply.kind == .error {
                var text = ""
                if case .string(let first)? = reply.body.first { text = first }
                outcome = .failure(DBusError(errorName: reply.errorName ?? "org.freedesktop.DBus.Error.Failed", message: text))
            } else {
                outcome = .success(reply)
            }
        } catch {
            outcome = .failure(error)
        }
        let waiters = state.withLock { _ in call.complete(outcome) }
        waiters.resumeAll(outcome)
    }

    /// Hands a signal to every subscription whose rule admits it.
    func deliverSignal(_ raw: LibDBusMessage) {
        guard state.withLock({ !$0.subscriptions.isEmpty }), let message = try? raw.decode() else { return }
        trackNameOwner(message)
        let (subscriptions, names) = state.withLock { ($0.subscriptions, $0.trackedNames) }
        for subscription in subscriptions {
            guard let buffer = subscription.buffer else { continue }
            let owner = subscription.rule.sender.flatMap { names[$0]?.owner }
            if subscription.rule.matches(message, senderOwner: owner) {
                buffer.yield(message)
            }
        }
    }

    /// The method call handler, if any.
    var methodCallHandler: (@Sendable (DBusMessage) -> Void)? {
        state.withLock { $0.methodCallHandler }
    }

    /// Marks the connection open (after Hello).
    func markOpen() -> Bool {
        state.withLock { s in
            guard case .starting = s.phase else { return false }
            s.phase = .open
            return true
        }
    }

    /// Ends the connection: every pending call fails with `error`, every signal stream ends
    /// (with `error` when the connection was lost, normally when it was closed). The waiters of
    /// ``waitForEnd()`` wake later, once ``released()``.
    ///
    /// What the state held is taken out under the lock and dropped after it: the method-call
    /// handler may hold the last reference to its own `DBusConnection` (a handler that captures
    /// it strongly), whose deinit then runs here and takes the lock again in ``close()``.
    func end(with error: DBusError, streamsThrow: Bool) {
        let (calls, subscriptions, registrations, handler) = state.withLock { s in
            s.phase = .ended(error)
            defer {
                s.pending = [:]
                s.subscriptions = []
                s.registrations = [:]
                s.methodCallHandler = nil
                s.earliestDeadline = nil
            }
            return (s.pending.values.map { $0.complete(.failure(error)) }, s.subscriptions, s.registrations, s.methodCallHandler)
        }
        for waiters in calls { waiters.resumeAll(.failure(error)) }
        for subscription in subscriptions { subscription.buffer?.finish(throwing: streamsThrow ? error : nil) }
        withExtendedLifetime((registrations, handler)) {}  // released here, outside the lock
    }
}

extension PendingCall {
    /// True once the call ended in an error (guarded by the core's lock).
    var failed: Bool {
        if case .failure? = outcome { return true }
        return false
    }
}
