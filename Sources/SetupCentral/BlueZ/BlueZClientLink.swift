import BlueZ
import SetupLink
import SetupProtocol

/// The setup service of a connected printer over BlueZ: Request, Events and Info as
/// ``RemoteCharacteristic``s (SPEC §17).
public struct BlueZClientLink: GATTClientLink {
    /// The printer.
    public let device: Device
    let info: RemoteCharacteristic
    let request: RemoteCharacteristic
    let events: RemoteCharacteristic

    /// The MTU of the Request characteristic's link, read from bluetoothd (23 when absent).
    public func mtu() async -> Int { Int(await request.currentMTU()) }

    /// Subscribes to Events' `PropertiesChanged` and then calls StartNotify; the stream ends
    /// when the characteristic vanishes (disconnection) or bluetoothd leaves.
    public func subscribeToEvents() async throws(LinkError) -> AsyncStream<[UInt8]> {
        let notifications: Notifications
        do { notifications = try await events.notifications() } catch { throw Self.linkError(error) }
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        let pump = Task {
            do {
                for try await value in notifications { continuation.yield(value) }
            } catch {}
            continuation.finish()
        }
        continuation.onTermination = { _ in
            pump.cancel()
            Task { await notifications.stop() }
        }
        return stream
    }

    /// `WriteValue` with type request or command.
    public func writeRequest(_ value: [UInt8], withResponse: Bool) async throws(LinkError) {
        do { try await request.writeValue(value, type: withResponse ? .request : .command) } catch { throw Self.linkError(error) }
    }

    /// `ReadValue` of Info.
    public func readInfo() async throws(LinkError) -> [UInt8] {
        do { return try await info.readValue() } catch { throw Self.linkError(error) }
    }

    /// `Device1.Disconnect`, bounded to 5 s.
    public func disconnect() async {
        try? await device.disconnect(deadline: .now + .seconds(5))
    }

    static func linkError(_ error: BlueZError) -> LinkError {
        switch error.kind {
        case .disconnected, .deviceRemoved, .notConnected, .bluetoothdRestarted, .unknownObject, .characteristicNotFound: return .disconnected
        case .att, .failed, .notPermitted, .notAuthorized: return .writeRejected
        case .timedOut: return .timedOut
        default: return .failed(error.description)
        }
    }
}
