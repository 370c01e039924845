import SetupLink
import SetupProtocol

/// Runs the printer role: one ``PrinterSetupState`` (PIN, attempts, lock-out, button window)
/// across connections, and a ``PrinterSession`` per connected central over a ``GATTServerLink``.
///
/// The thin I/O shell of the printer: it answers each Write Request after processing it, sends
/// notifications in order, arms the sessions' and the PIN's timers, and hands scans, joins,
/// identify and reset to the ``PrinterApplication``.
///
/// ``serve(_:)`` runs each connection in a task group whose three loops end with it: the
/// sender (answers, notifications, disconnection, in order), the requests that answer the
/// central (network scans and joins, one at a time, cancelled when the central goes), and the
/// notices to the application (session events, busy flag, PIN shown, identify, reset), told
/// in the order they happened and all told, also after the central went.
public actor PrinterDriver {
    /// One connected central. A class: the session in it is non-copyable (it holds the channel's
    /// counters), so the driver changes it in place through this one reference.
    private final class Connection {
        var session: PrinterSession
        let outbound: AsyncStream<Outbound>.Continuation
        let requests: AsyncStream<Request>.Continuation
        let notices: AsyncStream<Notice>.Continuation
        var timer: Task<Void, Never>?
        /// The central, for the log, and this connection's MTU (SPEC §3: per connection).
        let central: String
        var mtu = ATTLimits.minimumMTU

        init(
            session: consuming PrinterSession, outbound: AsyncStream<Outbound>.Continuation,
            requests: AsyncStream<Request>.Continuation, notices: AsyncStream<Notice>.Continuation, central: String
        ) {
            self.session = session
            self.outbound = outbound
            self.requests = requests
            self.notices = notices
            self.central = central
        }
    }

    /// What the sender carries out on the link, in order.
    private enum Outbound: Sendable {
        case respond(Bool)
        case refuseBusy
        case notify([[UInt8]])
        case disconnect
    }

    /// Work for the application whose answer goes back to the central: it ends with the link.
    private enum Request: Sendable {
        case scan
        case join(WiFiCredentials)
    }

    /// What the application is told, in order, whether or not the central is still there.
    private enum Notice: Sendable {
        case sessionEvent(PrinterEvent, central: String, mtu: Int)
        case busyChanged(Bool)
        case present(PresentedCredential)
        case identify(IdentifyAction)
        case resetNetwork
    }

    /// The printer's identity.
    public let configuration: PrinterConfiguration
    private let application: any PrinterApplication
    private let clock: any SessionClock
    private var setup: PrinterSetupState
    private var random = SystemRandomSource()
    private var connections: [Int: Connection] = [:]
    private var nextConnectionID = 0
    private var credentialTimer: Task<Void, Never>?
    private var advertisedBusy = false
    /// The opt-in session key log (SPEC §18); nil unless `SMARTSETUP_KEYLOGFILE` is set.
    private let keyLog: SessionKeyLog?

    /// Creates a driver; call ``startSetupMode()`` to show the first PIN.
    public init(
        configuration: PrinterConfiguration, authMethod: AuthMethod, application: any PrinterApplication,
        maximumAttempts: UInt8 = 3, clock: any SessionClock = SystemSessionClock(),
        keyLog: SessionKeyLog? = SessionKeyLog.fromEnvironment()
    ) {
        self.keyLog = keyLog
        self.configuration = configuration
        self.application = application
        self.clock = clock
        self.authMethod = authMethod
        self.setup = PrinterSetupState(authMethod: authMethod, maximumAttempts: maximumAttempts)
    }

    /// The advertised auth method.
    public nonisolated let authMethod: AuthMethod

    /// Whether a session holds the printer (the advertisement's busy flag).
    public var isBusy: Bool { setup.isBusy }

    /// The number of connected centrals.
    public var connectionCount: Int { connections.count }

    /// Enters setup mode: shows a new PIN, or in button mode opens the button window.
    public func startSetupMode() async {
        await presentNewCredential(reason: .started)
    }

    /// The owner pressed the printer's setup button: in button mode the window opens for 120 s;
    /// in PIN modes the owner asks for a new PIN (an owner action, SPEC §11.3: attempts, lock-out
    /// and the failures in a row start afresh, and so does setup mode).
    public func pressButton() async {
        guard setup.authMethod == .button else {
            await presentNewCredential(reason: .renewed)
            return
        }
        setup.buttonPressed(now: clock.now())
        armCredentialTimer()
        await application.present(.buttonWindowOpen(shortID: configuration.shortID))
    }

    /// Serves one connected central until it disconnects or the session ends; returns once
    /// everything the connection started has ended.
    public func serve(_ link: any GATTServerLink) async {
        nextConnectionID += 1
        let id = nextConnectionID
        let (outbound, outboundContinuation) = AsyncStream.makeStream(of: Outbound.self)
        let (requests, requestsContinuation) = AsyncStream.makeStream(of: Request.self)
        let (notices, noticesContinuation) = AsyncStream.makeStream(of: Notice.self)
        let connection = Connection(
            session: PrinterSession(configuration: configuration, setup: &setup, now: clock.now()),
            outbound: outboundContinuation, requests: requestsContinuation, notices: noticesContinuation, central: link.centralName)
        connections[id] = connection
        if let deadline = connection.session.nextDeadline { apply([.setTimer(deadline)], to: id) }
        let application = self.application
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await Self.send(outbound, on: link) }
            group.addTask { await Self.tell(application, notices) }
            await withTaskGroup(of: Void.self) { connectionBound in
                connectionBound.addTask { await self.perform(requests, for: id) }
                for await write in link.incomingWrites() {
                    receive(write, on: id)
                    if connections[id]?.session.isClosed ?? true { break }
                }
                disconnected(id)
                // A scan or join in progress answers this central only: it ends with it.
                connectionBound.cancelAll()
            }
        }
    }

    // MARK: - The connection's loops

    private static func send(_ outbound: AsyncStream<Outbound>, on link: any GATTServerLink) async {
        for await item in outbound {
            switch item {
            case .respond(let success): await link.respond(success: success)
            case .refuseBusy: await link.refuseBusy()
            case .notify(let fragments):
                for fragment in fragments {
                    do { try await link.notify(fragment) } catch { break }
                }
            case .disconnect: await link.disconnect()
            }
        }
    }

    private static func tell(_ application: any PrinterApplication, _ notices: AsyncStream<Notice>) async {
        for await notice in notices {
            switch notice {
            case .sessionEvent(let event, let central, let mtu): await application.sessionEvent(event, central: central, mtu: mtu)
            case .busyChanged(let busy): await application.busyChanged(busy)
            case .present(let credential): await application.present(credential)
            case .identify(let action): await application.identify(action)
            case .resetNetwork: await application.resetNetwork()
            }
        }
    }

    /// Scans and joins, one at a time, until the connection ends (its task is cancelled then,
    /// and with it a join in progress).
    private func perform(_ requests: AsyncStream<Request>, for id: Int) async {
        for await request in requests {
            switch request {
            case .scan:
                let results = await application.scanNetworks()
                sendScanResults(results, on: id)
            case .join(let credentials):
                await application.join(credentials) { status in await self.report(status, on: id) }
            }
        }
    }

    // MARK: - Inputs

    private func receive(_ write: IncomingWrite, on id: Int) {
        guard let connection = connections[id] else { return }
        connection.mtu = write.mtu
        let actions = connection.session.receiveWrite(
            write.value, mtu: write.mtu, withResponse: write.withResponse, now: clock.now(), setup: &setup, random: &random)
        apply(actions, to: id)
    }

    private func disconnected(_ id: Int) {
        guard let connection = connections[id] else { return }
        let actions = connection.session.disconnected(now: clock.now(), setup: &setup, random: &random)
        apply(actions, to: id)
        connection.timer?.cancel()
        connection.outbound.finish()
        connection.requests.finish()
        connection.notices.finish()
        connections[id] = nil
    }

    private func timerFired(on id: Int) {
        guard let connection = connections[id] else { return }
        let actions = connection.session.timerFired(now: clock.now(), setup: &setup, random: &random)
        apply(actions, to: id)
    }

    private func report(_ status: JoinStatus, on id: Int) {
        guard let connection = connections[id] else { return }
        guard let actions = try? connection.session.reportJoinStatus(status, now: clock.now()) else { return }
        apply(actions, to: id)
    }

    private func sendScanResults(_ results: [ScanResult], on id: Int) {
        guard let connection = connections[id] else { return }
        guard let actions = try? connection.session.sendScanResults(Array(results.prefix(ScanResult.maximumCount)), now: clock.now()) else { return }
        apply(actions, to: id)
    }

    // MARK: - Actions

    private func apply(_ actions: [PrinterAction], to id: Int) {
        guard let connection = connections[id] else { return }
        if setup.isBusy != advertisedBusy {
            advertisedBusy = setup.isBusy
            connection.notices.yield(.busyChanged(advertisedBusy))
        }
        for action in actions {
            switch action {
            case .respondToWrite(let success): connection.outbound.yield(.respond(success))
            case .refuseWriteBusy: connection.outbound.yield(.refuseBusy)
            case .notify(let fragments): connection.outbound.yield(.notify(fragments))
            case .disconnect: connection.outbound.yield(.disconnect)
            case .setTimer(let deadline):
                connection.timer?.cancel()
                connection.timer = Task { [weak self, clock] in
                    do { try await clock.sleep(until: deadline) } catch { return }
                    await self?.timerFired(on: id)
                }
            case .cancelTimer:
                connection.timer?.cancel()
                connection.timer = nil
            case .event(let event):
                if case .authenticated = event, let keyLog, let entry = connection.session.keyLogEntry { keyLog.append(entry) }
                handle(event, on: connection)
            }
        }
    }

    private func handle(_ event: PrinterEvent, on connection: Connection) {
        connection.notices.yield(.sessionEvent(event, central: connection.central, mtu: connection.mtu))
        switch event {
        case .scanRequested: connection.requests.yield(.scan)
        case .joinRequested(let credentials): connection.requests.yield(.join(credentials))
        case .identifyRequested(let action): connection.notices.yield(.identify(action))
        case .resetRequested:
            connection.notices.yield(.resetNetwork)
            // SPEC §8.8: back to a clean setup mode; the PIN that authorized the reset is retired.
            if let pin = setup.showNewPIN(now: clock.now(), random: &random) {
                armCredentialTimer()
                connection.notices.yield(.present(.pin(pin, shortID: configuration.shortID, reason: .renewed)))
            }
        case .pinRotated:
            armCredentialTimer()
            if let pin = setup.currentPIN {
                connection.notices.yield(.present(.pin(pin, shortID: configuration.shortID, reason: .rotated)))
            }
        case .setupModeEnded:
            credentialTimer?.cancel()
            connection.notices.yield(.present(.cleared))
        case .pinExpired, .authenticated, .authenticationFailed, .failed:
            break
        }
    }

    // MARK: - PIN lifetime

    private func presentNewCredential(reason: PresentationReason) async {
        if setup.authMethod.usesPIN {
            if let pin = setup.showNewPIN(now: clock.now(), random: &random) {
                armCredentialTimer()
                await application.present(.pin(pin, shortID: configuration.shortID, reason: reason))
            }
        } else {
            setup.buttonPressed(now: clock.now())
            armCredentialTimer()
            await application.present(.buttonWindowOpen(shortID: configuration.shortID))
        }
    }

    private func armCredentialTimer() {
        credentialTimer?.cancel()
        guard let deadline = setup.nextDeadline else { return }
        credentialTimer = Task { [weak self, clock] in
            do { try await clock.sleep(until: deadline) } catch { return }
            await self?.credentialDeadlinePassed()
        }
    }

    /// The PIN's lifetime or the button window ended. In PIN modes the display clears and, after
    /// ``ProtocolTimeouts/pinRenewalDelay`` (SPEC §11.1: meanwhile the expired PIN is answered
    /// `pinExpired` once, then `noActivePIN`), the printer shows a new PIN by itself
    /// (``PrinterSetupState/renewPIN(now:random:)``: the failures in a row carry over, and none
    /// once setup mode ended); a closed button window waits for the next press.
    private func credentialDeadlinePassed() async {
        let now = clock.now()
        guard setup.authMethod.usesPIN else {
            guard setup.expire(now: now) else {
                armCredentialTimer()
                return
            }
            await application.present(.cleared)
            return
        }
        if let deadline = setup.nextDeadline, now < deadline {
            armCredentialTimer()
            return
        }
        await application.present(.cleared)
        let renewal = now.adding(seconds: ProtocolTimeouts.pinRenewalDelay)
        credentialTimer?.cancel()
        credentialTimer = Task { [weak self, clock] in
            do { try await clock.sleep(until: renewal) } catch { return }
            await self?.renewExpiredPIN()
        }
    }

    /// ``ProtocolTimeouts/pinRenewalDelay`` after an expiry: the expired PIN is forgotten (if no
    /// ClientHello made it so already) and a new one shown, unless setup mode ended.
    private func renewExpiredPIN() async {
        let now = clock.now()
        setup.expire(now: now)
        guard let pin = setup.renewPIN(now: now, random: &random) else { return }
        armCredentialTimer()
        await application.present(.pin(pin, shortID: configuration.shortID, reason: .renewed))
    }
}
