import DBus
import Synchronization

/// A GATT application and advertisement exported with DBusObjectServer on its own connection,
/// shaped like the VM tier's peripheral.py: service 5e7a0001 with a read characteristic, a
/// write + write-without-response one, and a notify one, each with a user description.
final class TestPeripheral: Sendable {
    static let serviceUUID = "5e7a0001-5e7a-4f00-8000-00805f9b34fb"
    static let readValue = Array("smartsetup-read".utf8)

    /// What bluetoothd called on us: member, object path, options (or value).
    struct Call: Sendable {
        var member: String
        var path: String
        var options: [String: DBusValue]
        var value: [UInt8]
    }

    let connection: DBusConnection
    let server: DBusObjectServer
    let calls = Mutex<[Call]>([])
    let advertisement: Mutex<[String: DBusValue]>
    /// When set, the next ReadValue of a characteristic fails with this D-Bus error name.
    let failNextRead = Mutex<String?>(nil)

    init(connection: DBusConnection, advertisement: [String: DBusValue]? = nil) throws {
        self.connection = connection
        let server = DBusObjectServer(send: { [weak connection] message throws(DBusError) in
            guard let connection else { throw DBusError(.disconnected, message: "gone") }
            try connection.send(message)
        })
        self.server = server
        self.advertisement = Mutex(advertisement ?? [
            "Type": .string("peripheral"),
            "ServiceUUIDs": .stringArray([Self.serviceUUID]),
            "ManufacturerData": .uint16VariantDictionary([0xFFFF: .bytes([0x53, 0x53, 0x01, 0x02])]),
            "LocalName": .string("smartsetup"),
        ])
        connection.setMethodCallHandler { message in server.handle(message) }
        server.addObjectManager(at: try DBusObjectPath("/org/test/app"))
        try server.register([service()], at: DBusObjectPath("/org/test/app/service0"))
        try server.register([characteristic(0, uuid: "5e7a0002-5e7a-4f00-8000-00805f9b34fb", flags: ["read"])], at: DBusObjectPath("/org/test/app/service0/char0"))
        try server.register([characteristic(1, uuid: "5e7a0003-5e7a-4f00-8000-00805f9b34fb", flags: ["write-without-response", "write"])], at: DBusObjectPath("/org/test/app/service0/char1"))
        try server.register([characteristic(2, uuid: "5e7a0004-5e7a-4f00-8000-00805f9b34fb", flags: ["notify"])], at: DBusObjectPath("/org/test/app/service0/char2"))
        for (index, text) in ["read me", "write me", "notifies"].enumerated() {
            try server.register([descriptor(index, text: text)], at: DBusObjectPath("/org/test/app/service0/char\(index)/desc0"))
        }
        try server.register([advertisementInterface()], at: DBusObjectPath("/org/test/advertisement0"))
    }

    func register(on adapter: String) async throws {
        let adapterPath = try DBusObjectPath(adapter)
        _ = try await connection.call(.methodCall(
            destination: "org.bluez", path: adapterPath, interface: "org.bluez.GattManager1", member: "RegisterApplication",
            body: [.objectPath(try DBusObjectPath("/org/test/app")), .propertyDictionary([:])]))
        try await registerAdvertisement(on: adapter)
    }

    func registerAdvertisement(on adapter: String) async throws {
        _ = try await connection.call(.methodCall(
            destination: "org.bluez", path: try DBusObjectPath(adapter), interface: "org.bluez.LEAdvertisingManager1",
            member: "RegisterAdvertisement", body: [.objectPath(try DBusObjectPath("/org/test/advertisement0")), .propertyDictionary([:])]))
    }

    /// Announces a new Value on the notify characteristic, as a GATT server does to notify.
    func notify(_ value: [UInt8]) throws {
        try connection.send(.signal(
            path: try DBusObjectPath("/org/test/app/service0/char2"), interface: "org.freedesktop.DBus.Properties",
            member: "PropertiesChanged",
            body: [.string("org.bluez.GattCharacteristic1"), .propertyDictionary(["Value": .bytes(value)]), .stringArray([])]))
    }

    func recorded(_ member: String) -> [Call] { calls.withLock { $0.filter { $0.member == member } } }

    private func record(_ member: String, _ invocation: DBusMethodInvocation, options: DBusValue?, value: [UInt8] = []) {
        let options = (try? options?.propertyDictionary()) ?? [:]
        calls.withLock { $0.append(Call(member: member, path: invocation.path.rawValue, options: options, value: value)) }
    }

    private func service() -> DBusExportedInterface {
        DBusExportedInterface("org.bluez.GattService1", properties: [
            DBusExportedProperty("UUID", type: .string, get: { _ in .string(Self.serviceUUID) }),
            DBusExportedProperty("Primary", type: .boolean, get: { _ in .boolean(true) }),
        ])
    }

    private func characteristic(_ index: Int, uuid: String, flags: [String]) throws -> DBusExportedInterface {
        let servicePath = try DBusObjectPath("/org/test/app/service0")
        let options = DBusType.dictionary(key: .string, value: .variant)
        return DBusExportedInterface("org.bluez.GattCharacteristic1", methods: [
            DBusExportedMethod("ReadValue", inputs: [.init("options", options)], outputs: [.init("value", .array(.byte))]) { [weak self] invocation throws(DBusError) in
                self?.record("ReadValue", invocation, options: invocation.arguments[0])
                if let name = self?.failNextRead.withLock({ name in defer { name = nil }; return name }) {
                    throw DBusError(errorName: name, message: "refused by the test application")
                }
                let offset = Int((try? invocation.arguments[0].propertyDictionary()["offset"]?.uint16) ?? 0)
                return [.bytes(Array(Self.readValue.dropFirst(offset)))]
            },
            DBusExportedMethod("WriteValue", inputs: [.init("value", .array(.byte)), .init("options", options)]) { [weak self] invocation in
                self?.record("WriteValue", invocation, options: invocation.arguments[1], value: (try? invocation.arguments[0].bytes()) ?? [])
                return []
            },
            DBusExportedMethod("StartNotify") { [weak self] invocation in self?.record("StartNotify", invocation, options: nil); return [] },
            DBusExportedMethod("StopNotify") { [weak self] invocation in self?.record("StopNotify", invocation, options: nil); return [] },
        ], properties: [
            DBusExportedProperty("UUID", type: .string, get: { _ in .string(uuid) }),
            DBusExportedProperty("Service", type: .objectPath, get: { _ in .objectPath(servicePath) }),
            DBusExportedProperty("Flags", type: .array(.string), get: { _ in .stringArray(flags) }),
        ])
    }

    private func descriptor(_ index: Int, text: String) throws -> DBusExportedInterface {
        let characteristicPath = try DBusObjectPath("/org/test/app/service0/char\(index)")
        let options = DBusType.dictionary(key: .string, value: .variant)
        return DBusExportedInterface("org.bluez.GattDescriptor1", methods: [
            DBusExportedMethod("ReadValue", inputs: [.init("options", options)], outputs: [.init("value", .array(.byte))]) { [weak self] invocation in
                self?.record("ReadValue", invocation, options: invocation.arguments[0])
                return [.bytes(Array(text.utf8))]
            },
        ], properties: [
            DBusExportedProperty("UUID", type: .string, get: { _ in .string("2901") }),
            DBusExportedProperty("Characteristic", type: .objectPath, get: { _ in .objectPath(characteristicPath) }),
            DBusExportedProperty("Flags", type: .array(.string), get: { _ in .stringArray(["read"]) }),
        ])
    }

    private func advertisementInterface() -> DBusExportedInterface {
        var properties: [DBusExportedProperty] = []
        for (name, value) in advertisement.withLock({ $0 }) {
            properties.append(DBusExportedProperty(name, type: value.type, get: { _ in value }))
        }
        return DBusExportedInterface("org.bluez.LEAdvertisement1", methods: [
            DBusExportedMethod("Release") { [weak self] invocation in self?.record("Release", invocation, options: nil); return [] },
        ], properties: properties)
    }
}
