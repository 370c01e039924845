import Deadlines
import SetupLink
import SetupProtocol

/// Runs a ``CentralSession`` over a ``GATTClientLink``: the thin I/O shell of the central role.
///
/// It feeds notifications, write outcomes, timer firings and link loss into the session and
/// carries out the session's actions (writes in order, one Write Request outstanding, timers,
/// disconnect). The application starts a handshake or sends requests and reads the session's
/// events with ``nextEvent(within:)``; every wait has a deadline.
///
/// A notification takes three hand-offs from the bus to the session: the D-Bus I/O thread, the
/// BlueZ session's router (which puts the value into the link's stream), and this actor, whose
/// own isolated loop reads that stream. The driver's two loops (notifications in, writes out)
/// and its session timer end with ``close()`` or with the link.
public actor CentralDriver {
    /// What the write loop carries out, in order.
    private enum Outbound: Sendable {
        case write([WriteOperation])
        case disconnect
    }

    private let link: any GATTClientLink
    private let clock: any SessionClock
    private var session: CentralSession
    private var random = SystemRandomSource()
    private let mailbox = EventMailbox()
    private var timer: Task<Void, Never>?
    private var loops: [Task<Void, Never>] = []
    private let outbound: AsyncStream<Outbound>.Continuation
    private var counters = LinkStatistics()
    /// The notifications of the message being reassembled, counted apart until it yields events.
    private var currentMessage = LinkStatistics()
    private var lastEventTraffic = LinkStatistics()
    /// The opt-in session key log (SPEC §18); nil unless `SMARTSETUP_KEYLOGFILE` is set.
    private let keyLog: SessionKeyLog?

    /// Opens a driver on a connected link: reads the MTU and subscribes to Events before anything
    /// is written.
    ///
    /// - Throws: `.disconnected` when the link is gone.
    public static func open(
        link: any GATTClientLink, configuration: CentralConfiguration, clock: any SessionClock = SystemSessionClock(),
        keyLog: SessionKeyLog? = SessionKeyLog.fromEnvironment()
    ) async throws(ProtocolError) -> CentralDriver {
        let mtu = await link.mtu()
        let notifications: AsyncThrowingStream<[UInt8], any Error>
        do { notifications = try await link.subscribeToEvents() } catch {
            throw ProtocolError(.disconnected, detail: "subscribing to Events: \(error)")
        }
        let driver = CentralDriver(
            link: link, session: CentralSession(configuration: configuration, mtu: mtu), clock: clock, keyLog: keyLog)
        await driver.start(notifications: notifications)
        return driver
    }

    private init(link: any GATTClientLink, session: consuming CentralSession, clock: any SessionClock, keyLog: SessionKeyLog?) {
        self.keyLog = keyLog
        self.link = link
        self.session = session
        self.clock = clock
        (writes, outbound) = AsyncStream.makeStream(of: Outbound.self)
        // SPEC §3 budget: the CCC write that enabling notifications on Events makes (§5.1,
        // StartNotify; value 01 00) is the first of the 3 round trips after services are resolved.
        counters.roundTrips = 1
        counters.bytes = 2
    }

    private let writes: AsyncStream<Outbound>

    private func start(notifications: AsyncThrowingStream<[UInt8], any Error>) {
        loops = [
            Task { await self.receive(notifications) },
            Task { [link, writes] in await Self.carryOut(writes, on: link, reporting: self) },
        ]
    }

    /// The notification loop, isolated to the driver: each value goes into the session as it
    /// arrives. The link's end (normal or with its error) is the link's loss.
    private func receive(_ notifications: AsyncThrowingStream<[UInt8], any Error>) async {
        var reason = "the link ended"
        do {
            for try await value in notifications { notification(value) }
        } catch {
            reason = "\(error)"
        }
        linkLost(reason: reason)
    }

    /// The write loop: each message's writes in order, then their outcome; a disconnection
    /// after the writes queued before it.
    private static func carryOut(_ writes: AsyncStream<Outbound>, on link: any GATTClientLink, reporting driver: CentralDriver) async {
        for await item in writes {
            switch item {
            case .write(let operations):
                var failure: LinkError?
                for operation in operations {
                    do {
                        switch operation {
                        case .command(let bytes): try await link.writeRequest(bytes, withResponse: false)
                        case .request(let bytes): try await link.writeRequest(bytes, withResponse: true)
                        }
                    } catch {
                        failure = error
                        break
                    }
                }
                await driver.writeFinished(failure: failure)
            case .disconnect:
                await link.disconnect()
            }
        }
    }

    /// The ATT MTU the session fragments for.
    public var mtu: Int { session.mtu }

    /// The ATT traffic this driver initiated or received: Write Requests, Write Commands,
    /// notifications and their octets.
    public var statistics: LinkStatistics { counters }

    /// The traffic before the message that produced the event ``nextEvent(within:)`` returned
    /// last: for an event from a notification, everything up to that message's first fragment.
    public var trafficBeforeLastEvent: LinkStatistics { lastEventTraffic }

    /// Starts an attempt (ClientHello); `firstRequest` travels sealed in ClientFinish.
    public func startHandshake(_ authentication: CentralAuthentication, firstRequest: CentralRequest? = nil) throws(ProtocolError) {
        let actions = try session.startHandshake(authentication: authentication, firstRequest: firstRequest, now: clock.now(), random: &random)
        apply(actions)
    }

    /// Sends a request on the authenticated channel.
    public func send(_ request: CentralRequest) throws(ProtocolError) {
        apply(try session.send(request, now: clock.now()))
    }

    /// The next event of the session, waiting at most `timeout`.
    ///
    /// - Throws: `.timedOut` when none arrives in time, the session's failure once it has ended
    ///   and every event was read, `.internalError` when the task is cancelled.
    public func nextEvent(within timeout: Duration) async throws(ProtocolError) -> CentralEvent {
        if let next = mailbox.take() { return try delivered(next) }
        try await withTimeout(
            timeout, timedOut: ProtocolError(.timedOut, detail: "no event within \(timeout)"),
            cancelled: ProtocolError(.internalError, detail: "cancelled")
        ) { [mailbox] () throws(ProtocolError) in
            await mailbox.waitUntilReady()
        }
        guard let next = mailbox.take() else { throw ProtocolError(.internalError, detail: "cancelled") }
        return try delivered(next)
    }

    private func delivered(_ next: Result<EventMailbox.Entry, ProtocolError>) throws(ProtocolError) -> CentralEvent {
        let entry = try next.get()
        lastEventTraffic = entry.trafficBefore
        return entry.event
    }

    /// Disconnects and stops the driver's loops and timer.
    public func close() async {
        apply(session.disconnected(now: clock.now(), reason: "closed by the application"))
        outbound.finish()
        await link.disconnect()
        stop()
    }

    // MARK: - Inputs

    private func notification(_ value: [UInt8]) {
        counters.notifications += 1
        counters.bytes += value.count
        currentMessage.notifications += 1
        currentMessage.bytes += value.count
        var before = counters
        before.notifications -= currentMessage.notifications
        before.bytes -= currentMessage.bytes
        let actions = session.receiveNotification(value, now: clock.now())
        if actions.contains(where: { if case .event = $0 { true } else { false } }) { currentMessage = LinkStatistics() }
        apply(actions, trafficBefore: before)
    }

    private func writeFinished(failure: LinkError?) {
        guard let failure else {
            apply(session.writeAcknowledged(now: clock.now()))
            return
        }
        if failure == .refusedBusy {
            apply(session.writeRefusedBusy(now: clock.now()))
            return
        }
        apply(session.writeFailed(now: clock.now(), reason: "\(failure)"))
    }

    private func timerFired() {
        apply(session.timerFired(now: clock.now()))
    }

    private func linkLost(reason: String) {
        apply(session.disconnected(now: clock.now(), reason: reason))
        outbound.finish()
        stop()
    }

    // MARK: - Actions

    private func apply(_ actions: [CentralAction], trafficBefore: LinkStatistics? = nil) {
        for action in actions {
            switch action {
            case .write(let operations):
                for operation in operations {
                    if case .request = operation { counters.roundTrips += 1 } else { counters.writeCommands += 1 }
                    counters.bytes += operation.value.count
                }
                outbound.yield(.write(operations))
            case .event(let event):
                if case .authenticated = event, let keyLog, let entry = session.keyLogEntry { keyLog.append(entry) }
                mailbox.post(EventMailbox.Entry(event: event, trafficBefore: trafficBefore ?? counters))
            case .setTimer(let deadline):
                timer?.cancel()
                timer = Task { [weak self, clock] in
                    do { try await clock.sleep(until: deadline) } catch { return }
                    await self?.timerFired()
                }
            case .cancelTimer:
                timer?.cancel()
                timer = nil
            case .disconnect:
                outbound.yield(.disconnect)
            }
        }
    }

    private func stop() {
        timer?.cancel()
        timer = nil
        for loop in loops { loop.cancel() }
    }
}
