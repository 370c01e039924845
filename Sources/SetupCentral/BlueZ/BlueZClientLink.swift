import BlueZ
import SetupLink
import SetupProtocol
import Synchronization

/// The setup service of a connected printer over BlueZ: Request, Events and Info as
/// ``RemoteCharacteristic``s (SPEC §17).
public final class BlueZClientLink: GATTClientLink {
    /// The printer.
    public let device: Device
    let info: RemoteCharacteristic
    let request: RemoteCharacteristic
    let events: RemoteCharacteristic
    /// The Events notification session, stopped by ``disconnect()``.
    private let notifications = Mutex<Notifications?>(nil)

    init(device: Device, info: RemoteCharacteristic, request: RemoteCharacteristic, events: RemoteCharacteristic) {
        self.device = device
        self.info = info
        self.request = request
        self.events = events
    }

    /// The MTU of the Request characteristic's link, read from bluetoothd (23 when absent).
    public func mtu() async -> Int { Int(await request.currentMTU()) }

    /// Subscribes to Events' `PropertiesChanged` and then calls StartNotify. The stream is the
    /// BlueZ session's own: its router puts each value there. It throws the ``BlueZError``
    /// that ended notifications (`.disconnected`, `.bluetoothdRestarted`) and ends normally
    /// after ``disconnect()``.
    public func subscribeToEvents() async throws(LinkError) -> AsyncThrowingStream<[UInt8], any Error> {
        let session: Notifications
        do { session = try await events.notifications() } catch { throw Self.linkError(error) }
        let replaced = notifications.withLock { current in
            defer { current = session }
            return current
        }
        await replaced?.stop()
        return session.values
    }

    /// `WriteValue` with type request or command.
    public func writeRequest(_ value: [UInt8], withResponse: Bool) async throws(LinkError) {
        do { try await request.writeValue(value, type: withResponse ? .request : .command) } catch { throw Self.linkError(error) }
    }

    /// `ReadValue` of Info.
    public func readInfo() async throws(LinkError) -> [UInt8] {
        do { return try await info.readValue() } catch { throw Self.linkError(error) }
    }

    /// Stops the Events notification session, then `Device1.Disconnect`, bounded to 5 s.
    public func disconnect() async {
        await notifications.withLock { current in
            defer { current = nil }
            return current
        }?.stop()
        try? await device.disconnect(deadline: .now + .seconds(5))
    }

    /// The link's view of a BlueZ failure; the BlueZ error's text goes along for logs.
    static func linkError(_ error: BlueZError) -> LinkError {
        switch error.kind {
        case .disconnected, .deviceRemoved, .notConnected, .bluetoothdRestarted, .unknownObject, .characteristicNotFound: return .disconnected
        case .notAuthorized: return .refusedBusy
        case .att, .failed, .notPermitted: return .writeRejected
        case .timedOut: return .timedOut
        default: return .failed(error.message)
        }
    }
}
