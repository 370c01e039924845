import DBus

/// A GATT characteristic of a remote device (`org.bluez.GattCharacteristic1`).
///
/// Writes through any `RemoteCharacteristic` value for the same object are serialised: one
/// `WriteValue` is outstanding per characteristic at a time, in call order. Notification
/// sessions are shared: the first subscriber starts notifications, the last one stops them.
public struct RemoteCharacteristic: Sendable, Hashable {
    /// The session the characteristic is reached through.
    public let session: BlueZSession
    /// The characteristic's object path, e.g. `…/service000a/char000b`.
    public let path: DBusObjectPath

    /// The ATT MTU BlueZ uses when it reports none (the LE default).
    public static let defaultMTU: UInt16 = 23

    /// The characteristic at `path` (not checked until used).
    public init(session: BlueZSession, path: DBusObjectPath) {
        self.session = session
        self.path = path
    }

    public static func == (lhs: RemoteCharacteristic, rhs: RemoteCharacteristic) -> Bool { lhs.session === rhs.session && lhs.path == rhs.path }
    public func hash(into hasher: inout Hasher) { hasher.combine(path) }

    /// The cached properties; throws `.characteristicNotFound` when it is gone.
    public func properties() throws(BlueZError) -> GattCharacteristicProperties {
        guard let properties = session.properties(of: BlueZInterface.gattCharacteristic, at: path) else {
            throw BlueZError(.characteristicNotFound, message: "characteristic \(path) is gone")
        }
        return GattCharacteristicProperties(path: path, properties: properties)
    }

    /// The link's ATT MTU from the cached `MTU` property, or 23 when BlueZ does not report it.
    public var mtu: UInt16 {
        ((try? properties().mtu) ?? nil).map { max($0, Self.defaultMTU) } ?? Self.defaultMTU
    }

    /// The link's ATT MTU read from bluetoothd now (`Properties.Get`), falling back to the
    /// cached value and then 23. Real bluetoothd 5.66 sets `MTU` on a reconnect without a
    /// `PropertiesChanged` signal, so after connecting the cache can be stale
    /// (Tests/RealBlueZ/README.md).
    public func currentMTU(timeout: Duration = .seconds(5)) async -> UInt16 {
        if case .uint16(let value)? = try? await session.currentProperty(
            "MTU", of: BlueZInterface.gattCharacteristic, at: path, timeout: timeout)
        {
            return max(value, Self.defaultMTU)
        }
        return mtu
    }

    /// Reads the value (`ReadValue`, ATT Read / Read Blob from `offset`).
    public func readValue(offset: UInt16 = 0, timeout: Duration = .seconds(25)) async throws(BlueZError) -> [UInt8] {
        var options: [String: DBusValue] = [:]
        if offset != 0 { options["offset"] = .uint16(offset) }
        let reply = try await session.call(path, BlueZInterface.gattCharacteristic, "ReadValue", [.propertyDictionary(options)], timeout: timeout)
        guard let bytes = try? reply.body.first?.bytes() else {
            throw BlueZError(.unexpectedReply, message: "ReadValue of \(path) returned \(reply.signature.rawValue), not ay")
        }
        return bytes
    }

    /// Writes `value` (`WriteValue` with `type`), after every write to this characteristic
    /// submitted before it has completed. A `.request` returns once the peer acknowledged it.
    /// A write already submitted completes even if the caller is cancelled, so the queue and
    /// the peer stay in step; `timeout` bounds the D-Bus call itself.
    public func writeValue(
        _ value: [UInt8], type: WriteType = .request, offset: UInt16 = 0, timeout: Duration = .seconds(25)
    ) async throws(BlueZError) {
        var options: [String: DBusValue] = ["type": .string(type.rawValue)]
        if offset != 0 { options["offset"] = .uint16(offset) }
        let (session, path) = (self.session, self.path)
        let body: [DBusValue] = [.bytes(value), .propertyDictionary(options)]
        let result: Result<Void, BlueZError> = await session.characteristicController(path).writes.run {
            do throws(BlueZError) {
                _ = try await session.call(path, BlueZInterface.gattCharacteristic, "WriteValue", body, timeout: timeout)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// The device this characteristic belongs to: the ancestor path BlueZ names `dev_…`
    /// (`/org/bluez/hciN/dev_XX_…/serviceXXXX/charYYYY`), or the grandparent when none is.
    public var devicePath: DBusObjectPath {
        let components = path.rawValue.split(separator: "/")
        let depth = components.firstIndex { $0.hasPrefix("dev_") }.map { $0 + 1 } ?? max(components.count - 2, 1)
        return (try? DBusObjectPath("/" + components.prefix(depth).joined(separator: "/"))) ?? path
    }

    /// Starts a notification session: subscribes to the characteristic's `Value` changes
    /// FIRST, then (for the first subscriber of this process) calls `StartNotify`, so a
    /// notification sent while StartNotify runs is not missed. End it with
    /// ``Notifications/stop()``.
    public func notifications(timeout: Duration = .seconds(25)) async throws(BlueZError) -> Notifications {
        // Subscribed before StartNotify, so that a value notified at once is not missed: the
        // device's whole subtree (the characteristic's values and the device's Connected).
        let (subscriber, values) = session.subscribeValues(of: path, device: devicePath)
        let controller = session.characteristicController(path)
        do {
            try await controller.joinNotifications(session: session, timeout: timeout)
        } catch {
            session.finishValues(subscriber)
            throw error
        }
        return Notifications(characteristic: self, values: values, subscriber: subscriber, controller: controller, timeout: timeout)
    }
}
