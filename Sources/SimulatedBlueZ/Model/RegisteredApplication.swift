import DBus

/// A GATT application registered through GattManager1.RegisterApplication: the services,
/// characteristics and descriptors read from its ObjectManager.
struct RegisteredApplication: Sendable, Hashable {
    struct Descriptor: Sendable, Hashable {
        var path: DBusObjectPath
        var uuid: String
        var flags: [String]
    }

    struct Characteristic: Sendable, Hashable {
        var path: DBusObjectPath
        var uuid: String
        var flags: [String]
        var descriptors: [Descriptor]
    }

    struct Service: Sendable, Hashable {
        var path: DBusObjectPath
        var uuid: String
        var primary: Bool
        var characteristics: [Characteristic]
    }

    var owner: String
    var root: DBusObjectPath
    var services: [Service]

    static let serviceInterface = "org.bluez.GattService1"
    static let characteristicInterface = "org.bluez.GattCharacteristic1"
    static let descriptorInterface = "org.bluez.GattDescriptor1"

    /// Builds the application from `GetManagedObjects` at `root`; objects are ordered by path
    /// and attached to their parent through the Service / Characteristic properties, as
    /// gatt-database.c does. Throws BlueZ's errors for an application it would refuse.
    init(owner: String, root: DBusObjectPath, objects: [DBusObjectPath: [String: [String: DBusValue]]]) throws(DBusError) {
        self.owner = owner
        self.root = root
        let sortedPaths = objects.keys.sorted()
        let invalid = ErrorReply.failed("Failed to create entry in database")
        var services: [Service] = []
        for path in sortedPaths {
            guard let properties = objects[path]?[Self.serviceInterface] else { continue }
            guard let uuid = properties["UUID"]?.string, UUIDText.isValid(uuid) else { throw invalid }
            services.append(Service(path: path, uuid: UUIDText.normalized(uuid), primary: properties["Primary"]?.bool ?? true, characteristics: []))
        }
        for path in sortedPaths {
            guard let properties = objects[path]?[Self.characteristicInterface] else { continue }
            guard let uuid = properties["UUID"]?.string, UUIDText.isValid(uuid),
                let servicePath = properties["Service"]?.objectPath,
                let index = services.firstIndex(where: { $0.path == servicePath }),
                let flags = try? properties["Flags"]?.stringArray(), !flags.isEmpty
            else { throw invalid }
            services[index].characteristics.append(Characteristic(path: path, uuid: UUIDText.normalized(uuid), flags: flags, descriptors: []))
        }
        for path in sortedPaths {
            guard let properties = objects[path]?[Self.descriptorInterface] else { continue }
            guard let uuid = properties["UUID"]?.string, UUIDText.isValid(uuid),
                let characteristicPath = properties["Characteristic"]?.objectPath
            else { throw invalid }
            let flags = (try? properties["Flags"]?.stringArray()) ?? []
            var attached = false
            for s in services.indices {
                if let c = services[s].characteristics.firstIndex(where: { $0.path == characteristicPath }) {
                    services[s].characteristics[c].descriptors.append(Descriptor(path: path, uuid: UUIDText.normalized(uuid), flags: flags))
                    attached = true
                }
            }
            guard attached else { throw invalid }
        }
        guard !services.isEmpty else { throw ErrorReply.failed("No valid service object found") }
        self.services = services
    }

    /// The primary service UUIDs bluetoothd adds to the adapter's UUIDs.
    var primaryServiceUUIDs: [String] { services.filter(\.primary).map(\.uuid) }
}
