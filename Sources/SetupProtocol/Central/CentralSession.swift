/// The central's (kiosk's) side of one connection, as a value (SPEC §13.1).
///
/// Inputs: notifications on Events, write outcomes, timer firings, disconnection and requests
/// from the application; outputs: ``CentralAction`` lists. Time comes in as `now` and randomness
/// through a ``RandomSource``; the session never performs I/O.
///
/// Non-copyable, because it holds the ``SecureChannel`` once authenticated: a copy would be a
/// second pair of nonce counters. Its owner keeps it in one place and lends it (`inout`).
public struct CentralSession: ~Copyable, Sendable {
    enum RequestKind: Sendable, Equatable { case deviceInfo, scan, join, identify, reset }

    struct Pending: Sendable {
        var kind: RequestKind
        var deadline: MonotonicInstant
    }

    /// The protocol states (SPEC §13.1, table C).
    enum State: Sendable {
        /// Connected, no handshake running: `startHandshake` is allowed.
        case idle
        /// ClientHello sent; waiting for ServerHello.
        case awaitingServerHello(ClientHandshake, firstRequest: CentralRequest?, deadline: MonotonicInstant)
        /// Our confirmation check failed; we reported it and wait for the printer's count.
        case reportingFailure(deadline: MonotonicInstant)
        /// The channel is secure (the session's `channel`); at most one request is outstanding.
        case authenticated(pending: Pending?)
        /// Ended.
        case closed
    }

    /// What the central knows about the printer and itself.
    public let configuration: CentralConfiguration
    /// The ATT MTU (BlueZ's MTU property of the characteristic; 23 when unknown).
    public var mtu: Int
    /// The failure that closed the session (nil while open, or when it closed after a reset).
    private var closedBy: ProtocolError?
    private(set) var state: State = .idle
    /// The channel of the `.authenticated` state: made on entering it, dropped when the session
    /// closes, nil in every other state. Kept beside `State`, not in it, so that the state stays a
    /// plain value to match on while the channel, which must not be copied, is changed in place.
    private var channel: SecureChannel?
    private var reassembler = Reassembler()
    private var writes = WriteQueue()
    private var armedTimer: MonotonicInstant?
    /// The keys of the authenticated session, for the opt-in key log only (SPEC §18).
    public private(set) var keyLogEntry: SessionKeyLogEntry?

    /// Creates a session for a connection whose services are resolved.
    public init(configuration: CentralConfiguration, mtu: Int = ATTLimits.minimumMTU) {
        self.configuration = configuration
        self.mtu = mtu
    }

    /// Whether the channel is authenticated.
    public var isAuthenticated: Bool {
        if case .authenticated = state { return true }
        return false
    }

    /// Whether the session has ended.
    public var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    /// Starts an attempt: sends ClientHello. `firstRequest` (usually credentials) travels sealed
    /// inside ClientFinish, so it reaches the printer in the second round trip.
    ///
    /// - Throws: the failure that closed the session (e.g. `.disconnected`) once it closed;
    ///   `.requestNotAllowed` when not idle otherwise, or when `authentication` does not match the
    ///   advertised auth method (a PIN for a button-mode printer or the reverse).
    public mutating func startHandshake(
        authentication: CentralAuthentication, firstRequest: CentralRequest? = nil,
        now: MonotonicInstant, random: inout some RandomSource
    ) throws(ProtocolError) -> [CentralAction] {
        guard case .idle = state else {
            // A session the link or the printer already ended says why, not that it is busy:
            // the caller may not have read the failure event yet (a link lost just now).
            if case .closed = state, let closedBy { throw closedBy }
            throw ProtocolError(.requestNotAllowed, detail: "handshake needs the idle state")
        }
        let method = configuration.advertisement.authMethod
        switch authentication {
        case .pin: guard method.usesPIN else { throw ProtocolError(.requestNotAllowed, detail: "printer is in button mode") }
        case .button: guard method == .button else { throw ProtocolError(.requestNotAllowed, detail: "printer wants a PIN") }
        }
        let handshake = try ClientHandshake(
            prs: authentication.prs, authMethod: method, shortID: configuration.advertisement.shortID,
            clientID: configuration.clientID, offeredVersions: configuration.offeredVersions, random: &random)
        var actions: [CentralAction] = []
        writes.enqueue(try WriteQueue.operations(for: handshake.clientHelloRecord, mtu: mtu), into: &actions)
        state = .awaitingServerHello(handshake, firstRequest: firstRequest, deadline: now.adding(seconds: ProtocolTimeouts.serverHello))
        updateTimer(&actions)
        return actions
    }

    /// Sends a request on the authenticated channel.
    ///
    /// - Throws: `.requestNotAllowed` before authentication or while another request is outstanding
    ///   (a join is outstanding until its final JoinStatus).
    public mutating func send(_ request: CentralRequest, now: MonotonicInstant) throws(ProtocolError) -> [CentralAction] {
        guard case .authenticated(let pending) = state else {
            throw ProtocolError(.requestNotAllowed, detail: "not authenticated")
        }
        guard pending == nil else { throw ProtocolError(.requestNotAllowed, detail: "a request is outstanding") }
        var actions: [CentralAction] = []
        let sealed = try channel.sealed(try request.message.encoded(), recordType: Record.TypeCode.sealed)
        writes.enqueue(try WriteQueue.operations(for: try Record.sealed(sealed).encoded(), mtu: mtu), into: &actions)
        state = .authenticated(pending: Self.pending(for: request, now: now))
        updateTimer(&actions)
        return actions
    }

    /// A notification arrived on Events.
    public mutating func receiveNotification(_ value: [UInt8], now: MonotonicInstant) -> [CentralAction] {
        var actions: [CentralAction] = []
        switch state {
        case .closed: return actions
        case .idle:
            // SPEC §13.1: between attempts nothing on Events is for this central (another
            // central's traffic, or a late answer to an attempt already concluded).
            reassembler.reset()
            return actions
        default: break
        }
        do {
            if let message = try reassembler.receive(value, mtu: mtu, now: now) {
                try handle(try Record.decode(message), now: now, actions: &actions)
            }
        } catch {
            fail(error, actions: &actions)
        }
        updateTimer(&actions)
        return actions
    }

    /// The outstanding Write Request was acknowledged.
    public mutating func writeAcknowledged(now: MonotonicInstant) -> [CentralAction] {
        var actions: [CentralAction] = []
        if case .closed = state { return actions }
        writes.acknowledged(into: &actions)
        updateTimer(&actions)
        return actions
    }

    /// A write failed (ATT error or BlueZ failure): the session ends. `reason` (secret-free)
    /// becomes the error's detail, for logs.
    public mutating func writeFailed(now: MonotonicInstant, reason: String? = nil) -> [CentralAction] {
        var actions: [CentralAction] = []
        if case .closed = state { return actions }
        fail(ProtocolError(.writeFailed, detail: reason), actions: &actions)
        updateTimer(&actions)
        return actions
    }

    /// The printer answered the outstanding Write Request with the busy refusal (ATT error
    /// Insufficient Authorization, SPEC §11.4). Answering the last fragment of ClientHello, it
    /// ends the attempt as ``CentralEvent/attemptRefused(_:)`` with code busy and the session
    /// returns to idle (no attempt was counted); on any other write it is a failed write.
    public mutating func writeRefusedBusy(now: MonotonicInstant) -> [CentralAction] {
        var actions: [CentralAction] = []
        guard case .awaitingServerHello = state else { return writeFailed(now: now, reason: "the printer refused a write") }
        state = .idle
        reassembler.reset()
        writes.clear()
        actions.append(.event(.attemptRefused(ErrorReport(code: .busy))))
        updateTimer(&actions)
        return actions
    }

    /// The timer set by `.setTimer` fired.
    public mutating func timerFired(now: MonotonicInstant) -> [CentralAction] {
        var actions: [CentralAction] = []
        if let deadline = currentDeadline, deadline <= now {
            fail(ProtocolError(.timedOut), actions: &actions)
        }
        armedTimer = nil
        updateTimer(&actions)
        return actions
    }

    /// The connection is gone. `reason` (secret-free) becomes the error's detail, for logs.
    public mutating func disconnected(now: MonotonicInstant, reason: String? = nil) -> [CentralAction] {
        var actions: [CentralAction] = []
        if case .closed = state { return actions }
        close()
        closedBy = ProtocolError(.disconnected, detail: reason)
        actions.append(.event(.failed(ProtocolError(.disconnected, detail: reason))))
        updateTimer(&actions)
        return actions
    }

    // MARK: - Records

    private mutating func handle(_ record: Record, now: MonotonicInstant, actions: inout [CentralAction]) throws(ProtocolError) {
        switch (state, record) {
        case (.awaitingServerHello(let handshake, let firstRequest, _), .serverHello(let hello)):
            let keys: KeySchedule
            do {
                keys = try handshake.finish(with: hello)
            } catch where error.kind == .authenticationFailed {
                let report = try Record.error(ErrorReport(code: .authenticationFailed)).encoded()
                writes.enqueue(try WriteQueue.operations(for: report, mtu: mtu), into: &actions)
                state = .reportingFailure(deadline: now.adding(seconds: ProtocolTimeouts.failureReport))
                return
            }
            channel = keys.clientChannel()
            keyLogEntry = SessionKeyLogEntry(sessionID: handshake.sessionID, keys: keys)
            var sealed: [UInt8]?
            if let firstRequest { sealed = try channel.sealed(try firstRequest.message.encoded(), recordType: Record.TypeCode.clientFinish) }
            let finish = try Record.clientFinish(ClientFinish(confirmation: keys.clientConfirmation, sealedMessage: sealed)).encoded()
            writes.enqueue(try WriteQueue.operations(for: finish, mtu: mtu), into: &actions)
            state = .authenticated(pending: firstRequest.map { Self.pending(for: $0, now: now) })
            actions.append(.event(.authenticated))
        case (.awaitingServerHello, .error(let report)):
            state = .idle
            actions.append(.event(report.code == .authenticationFailed
                ? .authenticationFailed(attemptsLeft: report.attemptsLeft) : .attemptRefused(report)))
        case (.reportingFailure, .error(let report)):
            state = .idle
            actions.append(.event(report.code == .authenticationFailed
                ? .authenticationFailed(attemptsLeft: report.attemptsLeft) : .attemptRefused(report)))
        case (.authenticated(let pending), .sealed(let ciphertext)):
            let plaintext = try channel.opened(ciphertext, recordType: Record.TypeCode.sealed)
            try handle(try ApplicationMessage.decode(plaintext), pending: pending, actions: &actions)
        case (.awaitingServerHello, .sealed), (.reportingFailure, .sealed):
            // SPEC §13.1: sealed records before this client's own authentication belong to
            // another client sharing the connection; ignored.
            return
        case (.authenticated, .error):
            // SPEC §13.1: the printer sends only sealed records to an authenticated session; a
            // plain Error on Events is another central's refusal and is ignored.
            return
        default:
            throw ProtocolError(.unexpectedMessage)
        }
    }

    private mutating func handle(
        _ message: ApplicationMessage, pending: Pending?, actions: inout [CentralAction]
    ) throws(ProtocolError) {
        switch (pending?.kind, message) {
        case (.deviceInfo, .deviceInfo(let info)):
            state = .authenticated(pending: nil)
            actions.append(.event(.deviceInfo(info)))
        case (.scan, .scanResults(let results)):
            state = .authenticated(pending: nil)
            actions.append(.event(.scanResults(results)))
        case (.join, .joinStatus(let status)):
            if status.isFinal { state = .authenticated(pending: nil) }
            actions.append(.event(.joinStatus(status)))
        case (.identify, .acknowledge(ApplicationMessage.TypeCode.identify)):
            state = .authenticated(pending: nil)
            actions.append(.event(.identified))
        case (.reset, .acknowledge(ApplicationMessage.TypeCode.resetNetwork)):
            close()
            actions.append(.event(.resetDone))
            actions.append(.disconnect)
        case (.some, .error(let report)):
            state = .authenticated(pending: nil)
            actions.append(.event(.requestFailed(report)))
        case (nil, .error(let report)):
            throw ProtocolError(report.code.kind, detail: "printer ended the session")
        default:
            throw ProtocolError(.unexpectedMessage)
        }
    }

    private static func pending(for request: CentralRequest, now: MonotonicInstant) -> Pending {
        let kind: RequestKind
        switch request {
        case .deviceInfo: kind = .deviceInfo
        case .scan: kind = .scan
        case .setCredentials: kind = .join
        case .identify: kind = .identify
        case .resetNetwork: kind = .reset
        }
        return Pending(kind: kind, deadline: now.adding(seconds: request.timeoutSeconds))
    }

    // MARK: - Failure and timers

    private mutating func fail(_ error: ProtocolError, actions: inout [CentralAction]) {
        close()
        closedBy = error
        actions.append(.event(.failed(error)))
        actions.append(.disconnect)
    }

    /// Ends the session: drops the channel (its keys with it), partial messages and queued writes.
    private mutating func close() {
        state = .closed
        channel = nil
        reassembler.reset()
        writes.clear()
    }

    private var currentDeadline: MonotonicInstant? {
        let stateDeadline: MonotonicInstant?
        switch state {
        case .awaitingServerHello(_, _, let deadline), .reportingFailure(let deadline): stateDeadline = deadline
        case .authenticated(let pending): stateDeadline = pending?.deadline
        case .idle, .closed: stateDeadline = nil
        }
        if case .closed = state { return nil }
        return [stateDeadline, reassembler.deadline].compactMap { $0 }.min()
    }

    private mutating func updateTimer(_ actions: inout [CentralAction]) {
        let wanted = currentDeadline
        guard wanted != armedTimer else { return }
        armedTimer = wanted
        actions.append(wanted.map { .setTimer($0) } ?? .cancelTimer)
    }
}
