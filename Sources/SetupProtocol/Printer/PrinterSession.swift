/// The printer's side of one connection, as a value (SPEC §13.2).
///
/// Inputs: writes on Request (with the MTU BlueZ passes), timer firings, disconnection, and the
/// printer's answers (scan results, join progress); outputs: ``PrinterAction`` lists. The
/// connection-spanning PIN policy lives in ``PrinterSetupState``, passed `inout` to each input.
///
/// Non-copyable, because it holds the ``SecureChannel`` once authenticated: a copy would be a
/// second pair of nonce counters. Its owner keeps it in one place and lends it (`inout`).
public struct PrinterSession: ~Copyable, Sendable {
    /// What an authenticated session is doing.
    enum Activity: Sendable {
        /// Nothing; idle since the instant.
        case idle(since: MonotonicInstant)
        /// Waiting for the Wi-Fi layer's scan results.
        case scanning(deadline: MonotonicInstant)
        /// Joining; a final JoinStatus is due by the deadline.
        case joining(deadline: MonotonicInstant)
    }

    /// The protocol states (SPEC §13.2, table P).
    enum State: Sendable {
        /// Waiting for ClientHello.
        case awaitingHello(deadline: MonotonicInstant)
        /// ServerHello sent; waiting for ClientFinish.
        case awaitingFinish(KeySchedule, sessionID: [UInt8], deadline: MonotonicInstant)
        /// Secure channel up (the session's `channel`).
        case authenticated(Activity)
        /// Ended.
        case closed
    }

    /// The printer's identity and device info.
    public let configuration: PrinterConfiguration
    private let token: UInt64
    private(set) var state: State
    /// The channel of the `.authenticated` state: made on entering it, dropped when the session
    /// closes, nil in every other state. Kept beside `State`, not in it, so that the state stays a
    /// plain value to match on while the channel, which must not be copied, is changed in place.
    private var channel: SecureChannel?
    private var reassembler = Reassembler()
    private var mtu = ATTLimits.minimumMTU
    private var armedTimer: MonotonicInstant?
    /// The write being handled was a ClientHello refused because another session holds the printer.
    private var refusedBusy = false
    /// The keys of the authenticated session, for the opt-in key log only (SPEC §18).
    public private(set) var keyLogEntry: SessionKeyLogEntry?

    /// Creates a session for a new connection at `now`.
    public init(configuration: PrinterConfiguration, setup: inout PrinterSetupState, now: MonotonicInstant) {
        self.configuration = configuration
        self.token = setup.newSessionToken()
        self.state = .awaitingHello(deadline: now.adding(seconds: ProtocolTimeouts.clientHello))
    }

    /// The instant to arm the first timer for (the ClientHello deadline).
    public var nextDeadline: MonotonicInstant? { currentDeadline }

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

    /// A write arrived on Request.
    ///
    /// - Parameters:
    ///   - value: the fragment.
    ///   - mtu: the `mtu` option BlueZ passed to WriteValue (23 when absent).
    ///   - withResponse: true for a Write Request (the shell must send `.respondToWrite`), false
    ///     for a Write Command.
    public mutating func receiveWrite(
        _ value: [UInt8], mtu: Int, withResponse: Bool, now: MonotonicInstant,
        setup: inout PrinterSetupState, random: inout some RandomSource
    ) -> [PrinterAction] {
        var actions: [PrinterAction] = []
        guard !isClosed else {
            if withResponse { actions.append(.respondToWrite(success: false)) }
            return actions
        }
        self.mtu = mtu
        var success = true
        do {
            if let message = try reassembler.receive(value, mtu: mtu, now: now) {
                try handle(try Record.decode(message), raw: message, now: now, setup: &setup, random: &random, actions: &actions)
            }
        } catch {
            success = false
            fail(error, now: now, setup: &setup, random: &random, actions: &actions)
        }
        if refusedBusy {
            refusedBusy = false
            if withResponse { actions.insert(.refuseWriteBusy, at: 0) }
        } else if withResponse {
            actions.insert(.respondToWrite(success: success), at: 0)
        }
        updateTimer(&actions)
        return silencedWhileAnotherSessionHoldsThePrinter(actions, setup: setup)
    }

    /// SPEC §11.4: while another connection's session holds the printer, nothing this connection
    /// causes is notified on Events (BlueZ would deliver it to every subscribed central, the
    /// session holder included); its refusals and failures reach it through the Write Response
    /// and the disconnection only.
    private func silencedWhileAnotherSessionHoldsThePrinter(_ actions: [PrinterAction], setup: PrinterSetupState) -> [PrinterAction] {
        guard let holder = setup.activeSession, holder != token else { return actions }
        return actions.filter { if case .notify = $0 { false } else { true } }
    }

    /// Sends the scan results the ``PrinterEvent/scanRequested`` event asked for, in the given order.
    ///
    /// - Throws: `.invalidField(.network)` for more than ``ScanResult/maximumCount`` networks (the
    ///   application chooses which to send, SPEC §8.3); nothing is sent and the scan stays pending.
    public mutating func sendScanResults(_ results: [ScanResult], now: MonotonicInstant) throws(ProtocolError) -> [PrinterAction] {
        guard case .authenticated(.scanning) = state else { throw ProtocolError(.requestNotAllowed, detail: "no scan requested") }
        guard results.count <= ScanResult.maximumCount else { throw ProtocolError.invalid(.network, "at most \(ScanResult.maximumCount) networks") }
        var actions: [PrinterAction] = []
        state = .authenticated(.idle(since: now))
        try sendSealed(.scanResults(results), actions: &actions)
        updateTimer(&actions)
        return actions
    }

    /// Reports join progress for the ``PrinterEvent/joinRequested(_:)`` event.
    public mutating func reportJoinStatus(_ status: JoinStatus, now: MonotonicInstant) throws(ProtocolError) -> [PrinterAction] {
        guard case .authenticated(.joining) = state else { throw ProtocolError(.requestNotAllowed, detail: "not joining") }
        var actions: [PrinterAction] = []
        if status.isFinal { state = .authenticated(.idle(since: now)) }
        try sendSealed(.joinStatus(status), actions: &actions)
        updateTimer(&actions)
        return actions
    }

    /// The timer set by `.setTimer` fired.
    public mutating func timerFired(now: MonotonicInstant, setup: inout PrinterSetupState, random: inout some RandomSource) -> [PrinterAction] {
        var actions: [PrinterAction] = []
        armedTimer = nil
        if let deadline = reassembler.deadline, deadline <= now {
            fail(ProtocolError(.timedOut, detail: "message incomplete"), now: now, setup: &setup, random: &random, actions: &actions)
        } else {
            switch state {
            case .awaitingHello(let deadline) where deadline <= now,
                 .awaitingFinish(_, _, let deadline) where deadline <= now:
                fail(ProtocolError(.timedOut), now: now, setup: &setup, random: &random, actions: &actions)
            case .authenticated(.idle(let since)) where since.adding(seconds: ProtocolTimeouts.authenticatedIdle) <= now:
                fail(ProtocolError(.timedOut, detail: "idle"), now: now, setup: &setup, random: &random, actions: &actions)
            case .authenticated(.scanning(let deadline)) where deadline <= now:
                state = .authenticated(.idle(since: now))
                do { try sendSealed(.error(ErrorReport(code: .timedOut)), actions: &actions) } catch {
                    fail(error, now: now, setup: &setup, random: &random, actions: &actions)
                }
            case .authenticated(.joining(let deadline)) where deadline <= now:
                state = .authenticated(.idle(since: now))
                do { try sendSealed(.joinStatus(.failed(.timedOut)), actions: &actions) } catch {
                    fail(error, now: now, setup: &setup, random: &random, actions: &actions)
                }
            default:
                break
            }
        }
        updateTimer(&actions)
        return silencedWhileAnotherSessionHoldsThePrinter(actions, setup: setup)
    }

    /// The client disconnected.
    public mutating func disconnected(now: MonotonicInstant, setup: inout PrinterSetupState, random: inout some RandomSource) -> [PrinterAction] {
        var actions: [PrinterAction] = []
        if case .awaitingFinish = state { _ = recordFailedAttempt(now: now, setup: &setup, random: &random, actions: &actions) }
        if !isClosed { actions.append(.event(.failed(ProtocolError(.disconnected)))) }
        close(setup: &setup)
        updateTimer(&actions)
        return actions
    }

    // MARK: - Records

    private mutating func handle(
        _ record: Record, raw: [UInt8], now: MonotonicInstant, setup: inout PrinterSetupState,
        random: inout some RandomSource, actions: inout [PrinterAction]
    ) throws(ProtocolError) {
        switch (state, record) {
        case (.awaitingHello, .clientHello(let hello)):
            try answer(hello, record: raw, now: now, setup: &setup, random: &random, actions: &actions)
        case (.awaitingFinish(let keys, let sessionID, _), .clientFinish(let finish)):
            guard keys.verifyClientConfirmation(finish.confirmation) else {
                concludeFailedAttempt(now: now, setup: &setup, random: &random, actions: &actions)
                return
            }
            setup.attemptSucceeded()
            channel = keys.printerChannel()
            keyLogEntry = SessionKeyLogEntry(sessionID: sessionID, keys: keys)
            state = .authenticated(.idle(since: now))
            actions.append(.event(.authenticated))
            if let sealed = finish.sealedMessage {
                let plaintext = try channel.opened(sealed, recordType: Record.TypeCode.clientFinish)
                try handleRequest(plaintext, now: now, setup: &setup, actions: &actions)
            }
        case (.awaitingFinish, .clientHello), (.authenticated, .clientHello):
            // SPEC §11.4: a second client sharing this connection (two processes on one
            // adapter) is refused like another connection; the session goes on untouched.
            refusedBusy = true
        case (.awaitingFinish, .error):
            concludeFailedAttempt(now: now, setup: &setup, random: &random, actions: &actions)
        case (.authenticated, .sealed(let ciphertext)):
            let plaintext = try channel.opened(ciphertext, recordType: Record.TypeCode.sealed)
            try handleRequest(plaintext, now: now, setup: &setup, actions: &actions)
        default:
            throw ProtocolError(.unexpectedMessage)
        }
    }

    private mutating func answer(
        _ hello: ClientHello, record: [UInt8], now: MonotonicInstant, setup: inout PrinterSetupState,
        random: inout some RandomSource, actions: inout [PrinterAction]
    ) throws(ProtocolError) {
        let prs: SecretBytes
        do {
            prs = try setup.admit(session: token, now: now)
        } catch {
            if error.kind == .busy {
                refusedBusy = true
                return
            }
            if error.kind == .pinExpired { actions.append(.event(.pinExpired)) }
            let retry = error.kind == .lockedOut ? setup.lockoutRemaining(now: now) : nil
            try sendPlain(ErrorReport(code: error.kind.wireCode, retryAfterSeconds: retry), actions: &actions)
            return
        }
        let handshake: PrinterHandshake
        do {
            handshake = try PrinterHandshake(
                hello: hello, helloRecord: record, prs: prs, authMethod: setup.authMethod, shortID: configuration.shortID,
                supportedVersions: configuration.supportedVersions, random: &random)
        } catch {
            setup.release(session: token)
            try sendPlain(ErrorReport(code: error.kind.wireCode), actions: &actions)
            return
        }
        setup.beginAttempt()
        try sendRecord(.serverHello(handshake.serverHello), actions: &actions)
        state = .awaitingFinish(handshake.keys, sessionID: hello.sessionID, deadline: now.adding(seconds: ProtocolTimeouts.clientFinish))
    }

    /// Counts a failed attempt, tells the client, and waits for a new ClientHello.
    private mutating func concludeFailedAttempt(
        now: MonotonicInstant, setup: inout PrinterSetupState, random: inout some RandomSource, actions: inout [PrinterAction]
    ) {
        let outcome = recordFailedAttempt(now: now, setup: &setup, random: &random, actions: &actions)
        state = .awaitingHello(deadline: now.adding(seconds: ProtocolTimeouts.clientHello))
        let report: ErrorReport
        switch outcome {
        case .attemptsLeft(let left): report = ErrorReport(code: .authenticationFailed, attemptsLeft: left)
        case .lockedOut(let seconds): report = ErrorReport(code: .lockedOut, attemptsLeft: 0, retryAfterSeconds: seconds)
        case .buttonMode: report = ErrorReport(code: .authenticationFailed)
        // SPEC §8.9: no retry after: not before the owner acts.
        case .setupModeEnded: report = ErrorReport(code: .lockedOut, attemptsLeft: 0)
        }
        try? sendPlain(report, actions: &actions)
    }

    /// Counts a failed attempt, releases the printer and reports the events.
    private mutating func recordFailedAttempt(
        now: MonotonicInstant, setup: inout PrinterSetupState, random: inout some RandomSource, actions: inout [PrinterAction]
    ) -> PrinterSetupState.FailureOutcome {
        let outcome = setup.attemptFailed(now: now, random: &random)
        setup.release(session: token)
        switch outcome {
        case .attemptsLeft(let left):
            actions.append(.event(.authenticationFailed(attemptsLeft: left)))
        case .lockedOut:
            actions.append(.event(.authenticationFailed(attemptsLeft: 0)))
            actions.append(.event(.pinRotated))
        case .buttonMode:
            actions.append(.event(.authenticationFailed(attemptsLeft: 0)))
        case .setupModeEnded:
            actions.append(.event(.authenticationFailed(attemptsLeft: 0)))
            actions.append(.event(.setupModeEnded))
        }
        return outcome
    }

    private mutating func handleRequest(
        _ plaintext: [UInt8], now: MonotonicInstant, setup: inout PrinterSetupState, actions: inout [PrinterAction]
    ) throws(ProtocolError) {
        guard case .authenticated(let activity) = state else { throw ProtocolError(.unexpectedMessage) }
        let message: ApplicationMessage
        do {
            message = try ApplicationMessage.decode(plaintext)
        } catch {
            // The channel is intact: report and keep the session, so the client can correct it.
            try sendSealed(.error(ErrorReport(code: error.kind.wireCode)), actions: &actions)
            return
        }
        guard case .idle = activity else {
            try sendSealed(.error(ErrorReport(code: .unexpectedMessage)), actions: &actions)
            return
        }
        switch message {
        case .deviceInfoRequest:
            state = .authenticated(.idle(since: now))
            try sendSealed(.deviceInfo(configuration.deviceInfo), actions: &actions)
        case .scanRequest:
            state = .authenticated(.scanning(deadline: now.adding(seconds: ProtocolTimeouts.printerScan)))
            actions.append(.event(.scanRequested))
        case .setCredentials(let credentials):
            state = .authenticated(.joining(deadline: now.adding(seconds: ProtocolTimeouts.join)))
            actions.append(.event(.joinRequested(credentials)))
            try sendSealed(.joinStatus(.received), actions: &actions)
        case .identify(let action):
            state = .authenticated(.idle(since: now))
            actions.append(.event(.identifyRequested(action)))
            try sendSealed(.acknowledge(requestType: ApplicationMessage.TypeCode.identify), actions: &actions)
        case .resetNetwork:
            actions.append(.event(.resetRequested))
            try sendSealed(.acknowledge(requestType: ApplicationMessage.TypeCode.resetNetwork), actions: &actions)
            actions.append(.disconnect)
            close(setup: &setup)
        case .deviceInfo, .scanResults, .joinStatus, .acknowledge, .error:
            throw ProtocolError(.unexpectedMessage)
        }
    }

    // MARK: - Sending

    private func sendRecord(_ record: Record, actions: inout [PrinterAction]) throws(ProtocolError) {
        actions.append(.notify(try Fragmenter.fragments(of: try record.encoded(), mtu: mtu)))
    }

    private func sendPlain(_ report: ErrorReport, actions: inout [PrinterAction]) throws(ProtocolError) {
        try sendRecord(.error(report), actions: &actions)
    }

    private mutating func sendSealed(_ message: ApplicationMessage, actions: inout [PrinterAction]) throws(ProtocolError) {
        guard case .authenticated = state else { throw ProtocolError(.unexpectedMessage) }
        let sealed = try channel.sealed(try message.encoded(), recordType: Record.TypeCode.sealed)
        try sendRecord(.sealed(sealed), actions: &actions)
    }

    // MARK: - Failure and timers

    private mutating func fail(
        _ error: ProtocolError, now: MonotonicInstant, setup: inout PrinterSetupState,
        random: inout some RandomSource, actions: inout [PrinterAction]
    ) {
        switch state {
        case .awaitingFinish:
            _ = recordFailedAttempt(now: now, setup: &setup, random: &random, actions: &actions)
            try? sendPlain(ErrorReport(code: error.kind.wireCode), actions: &actions)
        case .awaitingHello:
            try? sendPlain(ErrorReport(code: error.kind.wireCode), actions: &actions)
        case .authenticated:
            try? sendSealed(.error(ErrorReport(code: error.kind.wireCode)), actions: &actions)
        case .closed:
            return
        }
        actions.append(.event(.failed(error)))
        actions.append(.disconnect)
        close(setup: &setup)
    }

    /// Ends the session: drops the channel (its keys with it) and partial messages, and releases
    /// the printer.
    private mutating func close(setup: inout PrinterSetupState) {
        state = .closed
        channel = nil
        reassembler.reset()
        setup.release(session: token)
    }

    private var currentDeadline: MonotonicInstant? {
        let stateDeadline: MonotonicInstant?
        switch state {
        case .awaitingHello(let deadline), .awaitingFinish(_, _, let deadline): stateDeadline = deadline
        case .authenticated(.idle(let since)): stateDeadline = since.adding(seconds: ProtocolTimeouts.authenticatedIdle)
        case .authenticated(.scanning(let deadline)), .authenticated(.joining(let deadline)): stateDeadline = deadline
        case .closed: return nil
        }
        return [stateDeadline, reassembler.deadline].compactMap { $0 }.min()
    }

    private mutating func updateTimer(_ actions: inout [PrinterAction]) {
        let wanted = currentDeadline
        guard wanted != armedTimer else { return }
        armedTimer = wanted
        actions.append(wanted.map { .setTimer($0) } ?? .cancelTimer)
    }
}
