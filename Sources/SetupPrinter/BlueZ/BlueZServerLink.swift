import BlueZ
import DBus
import SetupLink

/// One central connected to the emulator's GATT application over BlueZ, told apart by the
/// `device` option BlueZ passes with each write.
actor BlueZServerLink: GATTServerLink {
    private let device: Device?
    private let events: LocalCharacteristic
    private let writes: AsyncStream<IncomingWrite>
    private let writesContinuation: AsyncStream<IncomingWrite>.Continuation
    /// The WriteValue calls waiting for the session's answer, oldest first. bluetoothd does not
    /// wait for the reply to a Write Command's WriteValue before relaying the next one, so
    /// several can be outstanding; the session answers writes in the order it received them.
    private var pendingResponses: [CheckedContinuation<Answer, Never>] = []
    private var closed = false

    /// How the session answered a write.
    private enum Answer { case success, failure, refusedBusy }

    init(device: Device?, events: LocalCharacteristic) {
        self.device = device
        self.events = events
        let node = device?.path.rawValue.split(separator: "/").last.map(String.init) ?? ""
        centralName = node.hasPrefix("dev_") ? "central " + node.dropFirst(4).split(separator: "_").joined(separator: ":") : "a central"
        (writes, writesContinuation) = AsyncStream.makeStream(of: IncomingWrite.self)
    }

    nonisolated func incomingWrites() -> AsyncStream<IncomingWrite> { writes }

    /// The central's address, from its device path on the printer's adapter (`dev_02_00_…`).
    nonisolated let centralName: String

    /// Hands a write to the session; when `withResponse`, returns once the session answered it
    /// (answers pair with writes in order) and throws `org.bluez.Error.Failed` (an ATT error
    /// response) when it failed.
    func deliver(_ write: IncomingWrite) async throws(BlueZError) {
        guard !closed else { throw BlueZError(.notConnected, message: "the session ended") }
        writesContinuation.yield(write)
        guard write.withResponse else { return }
        let answer = await withCheckedContinuation { continuation in
            if closed { continuation.resume(returning: Answer.failure) } else { pendingResponses.append(continuation) }
        }
        switch answer {
        case .success: return
        case .failure: throw BlueZError(.failed, message: "the setup session rejected the write")
        // bluetoothd answers NotAuthorized with ATT error 0x08 to the writing central only.
        case .refusedBusy: throw BlueZError(.notAuthorized, message: "another session holds the printer")
        }
    }

    func respond(success: Bool) {
        guard !pendingResponses.isEmpty else { return }
        pendingResponses.removeFirst().resume(returning: success ? .success : .failure)
    }

    func refuseBusy() {
        guard !pendingResponses.isEmpty else { return }
        pendingResponses.removeFirst().resume(returning: .refusedBusy)
    }

    func notify(_ value: [UInt8]) async throws(LinkError) {
        guard !closed else { throw .disconnected }
        do { try events.notify(value) } catch { throw .failed(error.message) }
    }

    /// How long the central may take to disconnect by itself once the session ended.
    static let disconnectGrace: Duration = .seconds(2)

    /// Ends the link: the session is over at once; the central gets ``disconnectGrace`` to read
    /// the last notification and disconnect itself (it does once it has its answer), and only
    /// then is disconnected. A Device1.Disconnect right after the notification can drop it
    /// while it is still queued (`smartsetup reset` lost its Acknowledge that way).
    func disconnect() async {
        close()
        guard let device else { return }
        if (try? await device.waitForDisconnection(deadline: .now + Self.disconnectGrace)) != nil { return }
        try? await device.disconnect(deadline: .now + .seconds(5))
    }

    /// The central is gone: the session sees the end of its writes.
    func close() {
        guard !closed else { return }
        closed = true
        writesContinuation.finish()
        for pending in pendingResponses { pending.resume(returning: .failure) }
        pendingResponses = []
    }
}
