import DBus
import Synchronization

/// A primary (or secondary) service of our GATT application.
public struct LocalService: Sendable {
    /// The service UUID, normalised.
    public var uuid: String
    /// `Primary`.
    public var primary: Bool
    /// The characteristics, in export order.
    public var characteristics: [LocalCharacteristic]

    /// A service with `uuid` and its characteristics.
    public init(uuid: String, primary: Bool = true, characteristics: [LocalCharacteristic]) {
        self.uuid = GattUUID.normalized(uuid)
        self.primary = primary
        self.characteristics = characteristics
    }
}

/// A GATT server application registered with BlueZ (`GattManager1.RegisterApplication`).
///
/// The application's objects are exported on the session's connection below ``root``, with an
/// ObjectManager at ``root``: `root/serviceN` (GattService1), `root/serviceN/charM`
/// (GattCharacteristic1), `root/serviceN/charM/descK` (GattDescriptor1). BlueZ reads them with
/// GetManagedObjects during registration and then calls ReadValue/WriteValue/StartNotify/
/// StopNotify. ``unregister()`` unregisters and unexports; dropping the application does it on
/// the session's own task.
public final class GattApplication: Sendable {
    /// The adapter the application is registered on.
    public let adapter: Adapter
    /// The application's root object path (its ObjectManager).
    public let root: DBusObjectPath
    /// The services, in export order.
    public let services: [LocalService]
    private let registered = Atomic<Bool>(true)
    private let timeout: Duration

    private init(adapter: Adapter, root: DBusObjectPath, services: [LocalService], timeout: Duration) {
        self.adapter = adapter
        self.root = root
        self.services = services
        self.timeout = timeout
    }

    deinit {
        guard registered.exchange(false, ordering: .acquiringAndReleasing) else { return }
        let (adapter, root, timeout, services) = (adapter, root, timeout, services)
        adapter.session.releaseInBackground { await Self.tearDown(adapter: adapter, root: root, services: services, timeout: timeout) }
    }

    /// Exports `services` below `root` (default: a fresh path of this session) and registers
    /// them with `adapter`'s GattManager1. Throws BlueZ's error (e.g. `.alreadyExists`) after
    /// unexporting again.
    public static func register(
        _ services: [LocalService], on adapter: Adapter, root rootPath: DBusObjectPath? = nil, timeout: Duration = .seconds(25)
    ) async throws(BlueZError) -> GattApplication {
        let session = adapter.session
        let root: DBusObjectPath
        if let given = rootPath {
            root = given
        } else {
            root = try session.exportPath("app")
        }
        do throws(DBusError) {
            try export(services, below: root, server: session.server)
        } catch {
            throw BlueZError(error)
        }
        do throws(BlueZError) {
            _ = try await session.call(
                adapter.path, BlueZInterface.gattManager, "RegisterApplication",
                [.objectPath(root), .propertyDictionary([:])], timeout: timeout)
        } catch {
            unexport(root: root, services: services, server: session.server)
            throw error
        }
        return GattApplication(adapter: adapter, root: root, services: services, timeout: timeout)
    }

    /// Registers the still-exported objects with BlueZ again: bluetoothd forgets every
    /// application when it stops, so after a restart the owner calls this once the adapter is
    /// back. Does nothing after ``unregister()``.
    public func registerAgain() async throws(BlueZError) {
        guard registered.load(ordering: .acquiring) else { return }
        _ = try await adapter.session.call(
            adapter.path, BlueZInterface.gattManager, "RegisterApplication",
            [.objectPath(root), .propertyDictionary([:])], timeout: timeout)
    }

    /// Unregisters from BlueZ and unexports the objects. Idempotent.
    public func unregister() async {
        guard registered.exchange(false, ordering: .acquiringAndReleasing) else { return }
        await Self.tearDown(adapter: adapter, root: root, services: services, timeout: timeout)
    }

    private static func tearDown(adapter: Adapter, root: DBusObjectPath, services: [LocalService], timeout: Duration) async {
        _ = try? await adapter.session.call(adapter.path, BlueZInterface.gattManager, "UnregisterApplication", [.objectPath(root)], timeout: timeout)
        unexport(root: root, services: services, server: adapter.session.server)
    }

    private static func export(_ services: [LocalService], below root: DBusObjectPath, server: DBusObjectServer) throws(DBusError) {
        server.addObjectManager(at: root)
        for (serviceIndex, service) in services.enumerated() {
            let servicePath = try DBusObjectPath("\(root.rawValue)/service\(serviceIndex)")
            let (uuid, primary) = (service.uuid, service.primary)
            let characteristicPaths = try service.characteristics.indices.map { index throws(DBusError) in
                try DBusObjectPath("\(servicePath.rawValue)/char\(index)")
            }
            try server.register(
                [DBusExportedInterface(
                    BlueZInterface.gattService,
                    properties: [
                        DBusExportedProperty("UUID", type: .string, emitsChanged: .constant, get: { _ in .string(uuid) }),
                        DBusExportedProperty("Primary", type: .boolean, emitsChanged: .constant, get: { _ in .boolean(primary) }),
                        DBusExportedProperty("Includes", type: .array(.objectPath), emitsChanged: .constant, get: { _ in .objectPathArray([]) }),
                    ])],
                at: servicePath)
            for (characteristic, path) in zip(service.characteristics, characteristicPaths) {
                try server.register([characteristic.exportedInterface(service: servicePath)], at: path)
                characteristic.state.withLock { $0.export = (server, path) }
                for (descriptorIndex, descriptor) in characteristic.descriptors.enumerated() {
                    try server.register(
                        [descriptor.exportedInterface(characteristic: path)],
                        at: try DBusObjectPath("\(path.rawValue)/desc\(descriptorIndex)"))
                }
            }
        }
    }

    private static func unexport(root: DBusObjectPath, services: [LocalService], server: DBusObjectServer) {
        for path in server.registeredPaths.reversed() where path.isDescendant(of: root) {
            try? server.unregisterObject(at: path)
        }
        for characteristic in services.flatMap(\.characteristics) {
            characteristic.state.withLock { state in
                state.export = nil
                state.notifying = false
            }
        }
        server.removeObjectManager(at: root)
    }
}

extension BlueZSession {
    /// A fresh object path for an export of this session, e.g. `/bluezclient/1_42/app3`.
    func exportPath(_ kind: String) throws(BlueZError) -> DBusObjectPath {
        let number = state.withLock { state -> UInt64 in
            state.nextExportID += 1
            return state.nextExportID
        }
        let unique = String(connection.uniqueName.compactMap { $0.isNumber ? $0 : ($0 == "." ? "_" : nil) })
        do throws(DBusError) {
            return try DBusObjectPath("/bluezclient/c\(unique)/\(kind)\(number)")
        } catch {
            throw BlueZError(error)
        }
    }
}
