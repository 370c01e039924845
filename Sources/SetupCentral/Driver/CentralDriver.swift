import SetupLink
import SetupProtocol

/// Runs a ``CentralSession`` over a ``GATTClientLink``: the thin I/O shell of the central role.
///
/// It feeds notifications, write outcomes, timer firings and link loss into the session and
/// carries out the session's actions (writes in order, one Write Request outstanding, timers,
/// disconnect). The application starts a handshake or sends requests and reads the session's
/// events with ``nextEvent(within:)``; every wait has a deadline.
public actor CentralDriver {
    private let link: any GATTClientLink
    private let clock: any SessionClock
    private var session: CentralSession
    private var random = SystemRandomSource()
    private var buffered: [CentralEvent] = []
    private var terminal: ProtocolError?
    private var waiter: (id: Int, continuation: CheckedContinuation<Result<CentralEvent, ProtocolError>, Never>)?
    private var nextWaiterID = 0
    private var waiterTimer: Task<Void, Never>?
    private var timer: Task<Void, Never>?
    private var tasks: [Task<Void, Never>] = []
    private let writeQueue: AsyncStream<[WriteOperation]>.Continuation
    private var counters = LinkStatistics()
    private var currentMessage = LinkStatistics()
    private var accepted: LinkStatistics?

    /// Opens a driver on a connected link: reads the MTU and subscribes to Events before anything
    /// is written.
    ///
    /// - Throws: `.disconnected` when the link is gone.
    public static func open(
        link: any GATTClientLink, configuration: CentralConfiguration, clock: any SessionClock = SystemSessionClock()
    ) async throws(ProtocolError) -> CentralDriver {
        let mtu = await link.mtu()
        let notifications: AsyncStream<[UInt8]>
        do { notifications = try await link.subscribeToEvents() } catch { throw ProtocolError(.disconnected, detail: "subscribing to Events") }
        let driver = CentralDriver(link: link, session: CentralSession(configuration: configuration, mtu: mtu), clock: clock)
        await driver.start(notifications: notifications)
        return driver
    }

    private init(link: any GATTClientLink, session: CentralSession, clock: any SessionClock) {
        self.link = link
        self.session = session
        self.clock = clock
        let (stream, continuation) = AsyncStream.makeStream(of: [WriteOperation].self)
        writeQueue = continuation
        writes = stream
    }

    private let writes: AsyncStream<[WriteOperation]>

    private func start(notifications: AsyncStream<[UInt8]>) {
        tasks.append(Task { [weak self] in
            for await value in notifications { await self?.notification(value) }
            await self?.linkLost()
        })
        tasks.append(Task { [weak self, link, writes] in
            for await operations in writes {
                var succeeded = true
                for operation in operations {
                    do {
                        switch operation {
                        case .command(let bytes): try await link.writeRequest(bytes, withResponse: false)
                        case .request(let bytes): try await link.writeRequest(bytes, withResponse: true)
                        }
                    } catch {
                        succeeded = false
                        break
                    }
                }
                await self?.writeFinished(succeeded: succeeded)
            }
        })
    }

    /// The ATT MTU the session fragments for.
    public var mtu: Int { session.mtu }

    /// The ATT traffic this driver initiated or received: Write Requests, Write Commands,
    /// notifications and their octets.
    public var statistics: LinkStatistics { counters }

    /// The traffic up to the printer's acceptance of the credentials: everything before the
    /// first JoinStatus ("received") notification, which follows the Write Response that
    /// acknowledged them (SPEC §14.1). Nil until then.
    public var statisticsUntilCredentialsAccepted: LinkStatistics? { accepted }

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
        if !buffered.isEmpty { return buffered.removeFirst() }
        if let terminal { throw terminal }
        nextWaiterID += 1
        let id = nextWaiterID
        let clock = self.clock
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<CentralEvent, ProtocolError>, Never>) in
                if Task.isCancelled {
                    continuation.resume(returning: .failure(ProtocolError(.internalError, detail: "cancelled")))
                    return
                }
                waiter = (id, continuation)
                waiterTimer = Task { [weak self] in
                    try? await clock.sleep(until: clock.now().adding(milliseconds: timeout.wholeMilliseconds))
                    await self?.abandon(id, ProtocolError(.timedOut, detail: "no event in time"))
                }
            }
        } onCancel: {
            Task { await self.abandon(id, ProtocolError(.internalError, detail: "cancelled")) }
        }
        return try result.get()
    }

    /// Disconnects and stops the driver's tasks.
    public func close() async {
        apply(session.disconnected(now: clock.now()))
        await link.disconnect()
        stop()
    }

    // MARK: - Inputs

    private func notification(_ value: [UInt8]) {
        counters.notifications += 1
        counters.bytes += value.count
        currentMessage.notifications += 1
        currentMessage.bytes += value.count
        let actions = session.receiveNotification(value, now: clock.now())
        for action in actions {
            guard case .event(let event) = action else { continue }
            if accepted == nil, event == .joinStatus(.received) {
                var before = counters
                before.notifications -= currentMessage.notifications
                before.bytes -= currentMessage.bytes
                accepted = before
            }
            currentMessage = LinkStatistics()
        }
        apply(actions)
    }

    private func writeFinished(succeeded: Bool) {
        apply(succeeded ? session.writeAcknowledged(now: clock.now()) : session.writeFailed(now: clock.now()))
    }

    private func timerFired() {
        apply(session.timerFired(now: clock.now()))
    }

    private func linkLost() {
        apply(session.disconnected(now: clock.now()))
        stop()
    }

    // MARK: - Actions

    private func apply(_ actions: [CentralAction]) {
        for action in actions {
            switch action {
            case .write(let operations):
                for operation in operations {
                    if case .request = operation { counters.roundTrips += 1 } else { counters.writeCommands += 1 }
                    counters.bytes += operation.value.count
                }
                writeQueue.yield(operations)
            case .event(let event):
                deliver(event)
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
                Task { [link] in await link.disconnect() }
            }
        }
    }

    private func deliver(_ event: CentralEvent) {
        if case .failed(let error) = event, terminal == nil { terminal = error }
        if let waiter {
            self.waiter = nil
            waiterTimer?.cancel()
            waiter.continuation.resume(returning: .success(event))
        } else {
            buffered.append(event)
        }
    }

    private func abandon(_ id: Int, _ error: ProtocolError) {
        guard let waiter, waiter.id == id else { return }
        self.waiter = nil
        waiterTimer?.cancel()
        waiter.continuation.resume(returning: .failure(error))
    }

    private func stop() {
        timer?.cancel()
        timer = nil
        writeQueue.finish()
    }
}
