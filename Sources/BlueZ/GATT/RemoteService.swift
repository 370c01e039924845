import DBus

/// A GATT service of a remote device (`org.bluez.GattService1`).
public struct RemoteService: Sendable, Hashable {
    /// The session the service is reached through.
    public let session: BlueZSession
    /// The service's object path, e.g. `…/dev_…/service000a`.
    public let path: DBusObjectPath

    public static func == (lhs: RemoteService, rhs: RemoteService) -> Bool { lhs.session === rhs.session && lhs.path == rhs.path }
    public func hash(into hasher: inout Hasher) { hasher.combine(path) }

    /// The cached properties; throws `.serviceNotFound` when the service is gone.
    public func properties() throws(BlueZError) -> GattServiceProperties {
        guard let properties = session.properties(of: BlueZInterface.gattService, at: path) else {
            throw BlueZError(.serviceNotFound, message: "service \(path) is gone")
        }
        return GattServiceProperties(path: path, properties: properties)
    }

    /// The service's characteristics, sorted by path (handle order).
    public func characteristics() -> [RemoteCharacteristic] {
        session.cache.objects(with: BlueZInterface.gattCharacteristic, under: path)
            .filter { $0.1.objectPath("Service") == path }
            .map { RemoteCharacteristic(session: session, path: $0.0) }
    }

    /// The characteristic with `uuid` (any form ``GattUUID/normalized(_:)`` accepts).
    public func characteristic(_ uuid: String) throws(BlueZError) -> RemoteCharacteristic {
        let wanted = GattUUID.normalized(uuid)
        guard let found = session.cache.objects(with: BlueZInterface.gattCharacteristic, under: path)
            .first(where: { $0.1.objectPath("Service") == path && GattUUID.normalized($0.1.string("UUID") ?? "") == wanted })
        else {
            throw BlueZError(.characteristicNotFound, message: "no characteristic \(wanted) in \(path)")
        }
        return RemoteCharacteristic(session: session, path: found.0)
    }
}

/// What ``Device/resolveCharacteristics(service:characteristics:deadline:onMissing:)`` does when
/// BlueZ's GATT objects lack an expected characteristic.
public enum MissingCharacteristicPolicy: Sendable, Hashable {
    /// Throw `.serviceNotFound` / `.characteristicNotFound`.
    case fail
    /// BlueZ's cached GATT database is probably stale (the peer changed its database): call
    /// `RemoveDevice` so the next discovery and connection read it afresh, then throw. The
    /// caller rediscovers the device and connects again.
    case removeDevice
}

extension Device {
    /// The device's resolved GATT services, sorted by path (handle order).
    public func services() -> [RemoteService] {
        session.cache.objects(with: BlueZInterface.gattService, under: path)
            .filter { $0.1.objectPath("Device") == path }
            .map { RemoteService(session: session, path: $0.0) }
    }

    /// The service with `uuid`; throws `.serviceNotFound`.
    public func service(_ uuid: String) throws(BlueZError) -> RemoteService {
        let wanted = GattUUID.normalized(uuid)
        guard let found = services().first(where: { (try? $0.properties().uuid) == wanted }) else {
            throw BlueZError(.serviceNotFound, message: "no service \(wanted) on \(path)")
        }
        return found
    }

    /// Waits for `ServicesResolved`, then finds the service `service` and each characteristic
    /// of `characteristics` in it, returned in the same order. When one is missing, acts as
    /// `onMissing` says (see ``MissingCharacteristicPolicy``).
    public func resolveCharacteristics(
        service: String, characteristics: [String], deadline: ContinuousClock.Instant,
        onMissing: MissingCharacteristicPolicy = .fail
    ) async throws(BlueZError) -> [RemoteCharacteristic] {
        try await waitForServicesResolved(deadline: deadline)
        do throws(BlueZError) {
            let found = try self.service(service)
            var result: [RemoteCharacteristic] = []
            for uuid in characteristics { result.append(try found.characteristic(uuid)) }
            return result
        } catch where error.kind == .serviceNotFound || error.kind == .characteristicNotFound {
            if onMissing == .removeDevice {
                try await adapter.removeDevice(self, timeout: deadline.remaining)
                var stale = error
                stale.message += "; removed the device to drop BlueZ's stale GATT cache: rediscover and reconnect"
                throw stale
            }
            throw error
        }
    }
}
