import DBus

/// A remote Bluetooth device (`org.bluez.Device1`, e.g. `/org/bluez/hci0/dev_00_AA_01_01_00_01`).
public struct Device: Sendable, Hashable {
    /// The session the device is reached through.
    public let session: BlueZSession
    /// The device's object path.
    public let path: DBusObjectPath

    /// The device at `path` (not checked until used).
    public init(session: BlueZSession, path: DBusObjectPath) {
        self.session = session
        self.path = path
    }

    public static func == (lhs: Device, rhs: Device) -> Bool { lhs.session === rhs.session && lhs.path == rhs.path }
    public func hash(into hasher: inout Hasher) { hasher.combine(path) }

    /// The cached properties; throws `.deviceRemoved` when BlueZ no longer has the device.
    public func properties() throws(BlueZError) -> DeviceProperties {
        guard let properties = session.properties(of: BlueZInterface.device, at: path) else {
            throw BlueZError(.deviceRemoved, message: "device \(path) is gone")
        }
        return DeviceProperties(path: path, properties: properties)
    }

    /// The adapter the device belongs to.
    public var adapter: Adapter {
        let parent = path.rawValue.split(separator: "/").dropLast().joined(separator: "/")
        return Adapter(session: session, path: (try? DBusObjectPath("/" + parent)) ?? .root)
    }

    /// Connects (`Device1.Connect`), retrying transient failures as `policy` says, all before
    /// `deadline`. BlueZ replies to Connect once the link is up; real bluetoothd 5.66 often
    /// sends no `Connected: true` signal for it (Tests/RealBlueZ/README.md), so the successful
    /// reply is what counts, not the cached property.
    ///
    /// Throws `.timedOut`, `.deviceRemoved` when the device vanishes, `.bluetoothdRestarted`,
    /// or the last BlueZ error (e.g. `.failed` "le-connection-abort-by-local" once the attempts
    /// are spent, `.connectionAttemptFailed`, `.notReady`).
    public func connect(deadline: ContinuousClock.Instant, policy: ConnectPolicy = .default) async throws(BlueZError) {
        var attempt = 1
        while true {
            do throws(BlueZError) {
                _ = try await session.call(path, BlueZInterface.device, "Connect", timeout: deadline.remaining)
                return
            } catch {
                let alreadyConnected = (try? properties().connected) == true
                if error.kind == .alreadyConnected || (error.kind == .inProgress && alreadyConnected) {
                    try await waitForConnected(deadline: deadline)
                    return
                }
                if error.kind == .unknownObject {
                    throw BlueZError(.deviceRemoved, message: "device \(path) is gone (\(error.message))")
                }
                guard ConnectPolicy.isTransient(error), attempt < policy.maxAttempts else { throw error }
                let pause = policy.backoff(after: attempt)
                guard ContinuousClock.now + pause < deadline else { throw error }
                do {
                    try await Task.sleep(for: pause)
                } catch {
                    throw BlueZError(.cancelled, message: "cancelled while connecting to \(path)")
                }
                attempt += 1
            }
        }
    }

    /// Waits until the device is connected; throws `.deviceRemoved` if it vanishes.
    func waitForConnected(deadline: ContinuousClock.Instant) async throws(BlueZError) {
        let path = self.path
        try await session.wait(for: "\(path) Connected", in: .object(path), deadline: deadline) { cache, _ throws(BlueZError) in
            guard let properties = cache.properties(of: BlueZInterface.device, at: path) else {
                throw BlueZError(.deviceRemoved, message: "device \(path) was removed while connecting")
            }
            return properties.bool("Connected") == true ? () : nil
        }
    }

    /// Waits until BlueZ resolved the device's GATT services (`ServicesResolved`), racing the
    /// ways it can fail: `.disconnected` when `Connected` is false now (read from bluetoothd,
    /// since the cached value may be stale: real bluetoothd does not always signal
    /// `Connected: true`) or changes to false, `.deviceRemoved` when the device vanishes,
    /// `.bluetoothdRestarted`, `.timedOut`.
    public func waitForServicesResolved(deadline: ContinuousClock.Instant) async throws(BlueZError) {
        let path = self.path
        let disconnected = BlueZError(.disconnected, message: "device \(path) disconnected before its services resolved")
        if try await session.currentProperty("Connected", of: BlueZInterface.device, at: path, timeout: deadline.remaining) == .boolean(false) {
            throw disconnected
        }
        try await session.wait(for: "\(path) ServicesResolved", in: .object(path), deadline: deadline) { cache, event throws(BlueZError) in
            guard let properties = cache.properties(of: BlueZInterface.device, at: path) else {
                throw BlueZError(.deviceRemoved, message: "device \(path) was removed before its services resolved")
            }
            if properties.bool("ServicesResolved") == true { return () }
            if case .propertiesChanged(path, interface: BlueZInterface.device, let changed, _)? = event,
                changed["Connected"]?.unwrappedVariant == .boolean(false)
            {
                throw disconnected
            }
            return nil
        }
    }

    /// Disconnects (`Device1.Disconnect`) and waits until BlueZ reports `Connected` false (or
    /// the device vanished).
    public func disconnect(deadline: ContinuousClock.Instant) async throws(BlueZError) {
        do throws(BlueZError) {
            _ = try await session.call(path, BlueZInterface.device, "Disconnect", timeout: deadline.remaining)
        } catch where error.kind == .unknownObject || error.kind == .notConnected {
            return
        }
        try await waitForDisconnection(deadline: deadline)
    }

    /// Waits until BlueZ reports `Connected` false or the device vanishes; `.timedOut` past
    /// `deadline`.
    public func waitForDisconnection(deadline: ContinuousClock.Instant) async throws(BlueZError) {
        let path = self.path
        try await session.wait(for: "\(path) Connected=false", in: .object(path), deadline: deadline) { cache, _ throws(BlueZError) in
            guard let properties = cache.properties(of: BlueZInterface.device, at: path) else { return () }
            return properties.bool("Connected") == true ? nil : ()
        }
    }

    /// The device's changes (properties, GATT objects below it) from now on.
    public func events() -> AsyncStream<BlueZEvent> {
        session.events(.subtree(path))
    }
}
