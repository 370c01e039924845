/// An in-memory GATT connection between one central and one printer: the setup service's
/// Request, Events and Info characteristics without a radio.
///
/// Used by tests and by the in-process demo. Write Commands and the final Write Request arrive in
/// order; a Write Request returns when the printer answers it; notifications sent before the
/// central subscribed are dropped, as on a real link. ``sever()`` simulates the printer vanishing.
public actor LoopbackConnection {
    /// The ATT MTU of the link.
    public nonisolated let mtu: Int
    /// The simulated cost of one ATT operation (zero for none).
    public nonisolated let operationCost: Duration
    private let info: [UInt8]
    private let writes: AsyncStream<IncomingWrite>
    private let writesContinuation: AsyncStream<IncomingWrite>.Continuation
    private var events: AsyncThrowingStream<[UInt8], any Error>.Continuation?
    private var pendingResponse: CheckedContinuation<Result<Void, LinkError>, Never>?
    private var closed = false
    private var counters = LinkStatistics()

    /// Creates a connected link with `mtu` (clamped to 23...517), the Info value the printer
    /// serves, and an optional cost per ATT operation.
    public init(mtu: Int, info: [UInt8], operationCost: Duration = .zero) {
        self.mtu = min(max(mtu, 23), 517)
        self.info = info
        self.operationCost = operationCost
        (writes, writesContinuation) = AsyncStream.makeStream(of: IncomingWrite.self)
    }

    /// The central's end.
    public nonisolated var central: LoopbackCentralEnd { LoopbackCentralEnd(connection: self) }
    /// The printer's end.
    public nonisolated var printer: LoopbackPrinterEnd { LoopbackPrinterEnd(connection: self) }

    /// The ATT traffic so far.
    public var statistics: LinkStatistics { counters }

    /// Whether the link is gone.
    public var isClosed: Bool { closed }

    /// Drops the link at once, as when the printer vanishes: both sides see the disconnection.
    public func sever() {
        guard !closed else { return }
        closed = true
        writesContinuation.finish()
        events?.finish(throwing: LinkError.disconnected)
        events = nil
        pendingResponse?.resume(returning: .failure(.disconnected))
        pendingResponse = nil
    }

    func refuseBusy() {
        pendingResponse?.resume(returning: .failure(.refusedBusy))
        pendingResponse = nil
    }

    // MARK: - Central side

    func subscribe() throws(LinkError) -> AsyncThrowingStream<[UInt8], any Error> {
        guard !closed else { throw .disconnected }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self)
        events?.finish()
        events = continuation
        return stream
    }

    func write(_ value: [UInt8], withResponse: Bool) async throws(LinkError) {
        try await spendOperation()
        guard !closed else { throw .disconnected }
        counters.bytes += value.count
        writesContinuation.yield(IncomingWrite(value: value, mtu: mtu, withResponse: withResponse))
        guard withResponse else {
            counters.writeCommands += 1
            return
        }
        counters.roundTrips += 1
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, LinkError>, Never>) in
            if closed {
                continuation.resume(returning: .failure(.disconnected))
            } else {
                pendingResponse = continuation
            }
        }
        try outcome.get()
    }

    func readInfo() async throws(LinkError) -> [UInt8] {
        try await spendOperation()
        guard !closed else { throw .disconnected }
        return info
    }

    // MARK: - Printer side

    func respond(success: Bool) {
        pendingResponse?.resume(returning: success ? .success(()) : .failure(.writeRejected))
        pendingResponse = nil
    }

    func notify(_ value: [UInt8]) async throws(LinkError) {
        try await spendOperation()
        guard !closed else { throw .disconnected }
        counters.notifications += 1
        counters.bytes += value.count
        events?.yield(value)
    }

    private func spendOperation() async throws(LinkError) {
        guard operationCost > .zero else { return }
        do { try await Task.sleep(for: operationCost) } catch { throw .failed("cancelled") }
    }
}

/// The central's end of a ``LoopbackConnection``.
public struct LoopbackCentralEnd: GATTClientLink {
    /// The shared connection.
    public let connection: LoopbackConnection

    /// The link's MTU.
    public func mtu() async -> Int { connection.mtu }
    /// Subscribes to Events.
    public func subscribeToEvents() async throws(LinkError) -> AsyncThrowingStream<[UInt8], any Error> {
        try await connection.subscribe()
    }
    /// Writes one fragment to Request.
    public func writeRequest(_ value: [UInt8], withResponse: Bool) async throws(LinkError) {
        try await connection.write(value, withResponse: withResponse)
    }
    /// Reads Info.
    public func readInfo() async throws(LinkError) -> [UInt8] { try await connection.readInfo() }
    /// Disconnects both ends.
    public func disconnect() async { await connection.sever() }
}

/// The printer's end of a ``LoopbackConnection``.
public struct LoopbackPrinterEnd: GATTServerLink {
    /// The shared connection.
    public let connection: LoopbackConnection

    /// The writes on Request.
    public func incomingWrites() -> AsyncStream<IncomingWrite> {
        // The stream was created with the connection; reading it needs no isolation.
        connection.writesStream
    }
    /// Answers the pending Write Request.
    public func respond(success: Bool) async { await connection.respond(success: success) }
    /// Answers the pending Write Request with the busy refusal.
    public func refuseBusy() async { await connection.refuseBusy() }
    /// Sends one notification on Events.
    public func notify(_ value: [UInt8]) async throws(LinkError) { try await connection.notify(value) }
    /// Disconnects both ends.
    public func disconnect() async { await connection.sever() }
}

extension LoopbackConnection {
    nonisolated var writesStream: AsyncStream<IncomingWrite> { writes }
}
