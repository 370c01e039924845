import BlueZ
import DBus
import Synchronization

/// A minimal org.bluez on a private bus: one adapter, optionally one device with one GATT
/// service and characteristic, and the GattManager1/LEAdvertisingManager1 calls the client
/// library makes. Tests change its properties and script its replies.
final class FakeBlueZ: Sendable {
    static let serviceUUID = "6fa9a0e4-3710-4ad4-b6d7-2f426d4f9725"
    static let characteristicUUID = "6fa9a0e5-3710-4ad4-b6d7-2f426d4f9725"

    let connection: DBusConnection
    let server: DBusObjectServer
    /// path -> interface -> property -> value.
    let store = Mutex<[DBusObjectPath: [String: [String: DBusValue]]]>([:])
    /// Every method called, as "Member" in call order.
    let calls = Mutex<[String]>([])
    /// Replies for successive Connect calls: an error, or nil for success.
    let connectScript = Mutex<[DBusError?]>([])
    /// Whether a successful Connect also resolves services.
    let resolveOnConnect = Mutex<Bool>(true)
    /// The value StartNotify notifies before it replies, if any.
    let notifyDuringStartNotify = Mutex<[UInt8]?>(nil)
    /// The error ReadValue replies with, if any.
    let readError = Mutex<DBusError?>(nil)
    /// Writes received, and the most that were in progress at once.
    let writes = Mutex<(values: [[UInt8]], active: Int, maxActive: Int)>(([], 0, 0))
    /// Filters passed to SetDiscoveryFilter.
    let filters = Mutex<[[String: DBusValue]]>([])
    /// How many RSSI changes Connect signals before Connected (a router with work to catch up on).
    let signalsBeforeConnected = Mutex(0)
    /// What RegisterApplication read with GetManagedObjects, and who registered it.
    let application = Mutex<(sender: String, root: DBusObjectPath, objects: [DBusObjectPath: [String: [String: DBusValue]]])?>(nil)
    /// What RegisterAdvertisement read with GetAll, and who registered it.
    let advertisement = Mutex<(sender: String, path: DBusObjectPath, properties: [String: DBusValue])?>(nil)

    private init(connection: DBusConnection) {
        self.connection = connection
        self.server = DBusObjectServer(send: { [weak connection] message throws(DBusError) in
            guard let connection else { throw DBusError(.disconnected, message: "gone") }
            _ = try connection.send(message)
        })
    }

    /// Connects to the bus at `address`, exports the adapter and owns org.bluez.
    static func start(address: String) async throws -> FakeBlueZ {
        let connection = try await DBusConnection.open(.address(address), timeout: .seconds(30))
        let fake = FakeBlueZ(connection: connection)
        connection.setMethodCallHandler { [weak fake] message in fake?.server.handle(message) }
        fake.server.addObjectManager(at: .root)
        try fake.addAdapter()
        _ = try await connection.requestName(BlueZInterface.service, timeout: .seconds(30))
        return fake
    }

    func close() {
        connection.setMethodCallHandler(nil)
        connection.close()
    }

    /// How many times `member` was called.
    func count(_ member: String) -> Int {
        calls.withLock { $0.filter { $0 == member }.count }
    }

    private func record(_ member: String) {
        calls.withLock { $0.append(member) }
    }

    // MARK: Properties

    /// Sets (or, with nil, drops) a property and emits PropertiesChanged (dropped ones as
    /// invalidated).
    func set(_ name: String, _ value: DBusValue?, interface: String, at path: DBusObjectPath) throws {
        store.withLock { $0[path]?[interface]?[name] = value }
        try server.propertiesChanged([name], interface: interface, at: path)
    }

    func value(_ name: String, interface: String, at path: DBusObjectPath) -> DBusValue? {
        store.withLock { $0[path]?[interface]?[name] }
    }

    /// Exports `interface` at `path` with the declared properties (types fixed; values from
    /// `values`, a missing value hides the property).
    private func export(
        _ interface: String, at path: DBusObjectPath, declared: [(String, DBusType)], values: [String: DBusValue],
        methods: [DBusExportedMethod], writable: Set<String> = []
    ) throws {
        store.withLock { $0[path, default: [:]][interface] = values }
        let properties = declared.map { name, type in
            DBusExportedProperty(
                name, type: type,
                get: { [weak self] path throws(DBusError) in
                    guard let value = self?.value(name, interface: interface, at: path) else {
                        throw DBusError(.unknownProperty, message: "No such property '\(name)'")
                    }
                    return value
                },
                set: writable.contains(name)
                    ? { @Sendable [weak self] path, value throws(DBusError) in
                        self?.store.withLock { $0[path]?[interface]?[name] = value }
                    } : nil)
        }
        try server.register([DBusExportedInterface(interface, methods: methods, properties: properties)], at: path)
    }

    private func method(_ name: String, _ inputs: [DBusType] = [], outputs: [DBusType] = [],
                        _ body: @escaping @Sendable (DBusMethodInvocation) async throws(DBusError) -> [DBusValue] = { _ in [] }) -> DBusExportedMethod {
        DBusExportedMethod(name, inputs: inputs.map { DBusArgument(nil, $0) }, outputs: outputs.map { DBusArgument(nil, $0) }) { [weak self] call throws(DBusError) in
            self?.record(name)
            return try await body(call)
        }
    }

    static let dictionary = DBusType.dictionary(key: .string, value: .variant)

    // MARK: Adapter

    private func addAdapter() throws {
        let path = FakePaths.adapter
        try export(
            BlueZInterface.adapter, at: path,
            declared: [("Address", .string), ("Name", .string), ("Alias", .string), ("Powered", .boolean), ("Discovering", .boolean), ("Roles", .array(.string))],
            values: ["Address": .string("00:AA:01:00:00:00"), "Name": .string("fake"), "Alias": .string("fake"),
                     "Powered": .boolean(true), "Discovering": .boolean(false), "Roles": .stringArray(["central", "peripheral"])],
            methods: [
                method("StartDiscovery") { [weak self] _ throws(DBusError) in
                    guard let self else { return [] }
                    if self.value("Discovering", interface: BlueZInterface.adapter, at: path) == .boolean(true) {
                        throw DBusError(errorName: "org.bluez.Error.InProgress", message: "Operation already in progress")
                    }
                    try? self.set("Discovering", .boolean(true), interface: BlueZInterface.adapter, at: path)
                    return []
                },
                method("StopDiscovery") { [weak self] _ throws(DBusError) in
                    guard let self else { return [] }
                    guard self.value("Discovering", interface: BlueZInterface.adapter, at: path) == .boolean(true) else {
                        throw DBusError(errorName: "org.bluez.Error.Failed", message: "No discovery started")
                    }
                    try? self.set("Discovering", .boolean(false), interface: BlueZInterface.adapter, at: path)
                    return []
                },
                method("SetDiscoveryFilter", [Self.dictionary]) { [weak self] call throws(DBusError) in
                    let filter = try call.arguments[0].propertyDictionary()
                    self?.filters.withLock { $0.append(filter) }
                    return []
                },
                method("RemoveDevice", [.objectPath]) { [weak self] call throws(DBusError) in
                    guard let self, let device = call.arguments[0].objectPath, self.store.withLock({ $0[device] != nil }) else {
                        throw DBusError(errorName: "org.bluez.Error.DoesNotExist", message: "Does Not Exist")
                    }
                    self.removeObjects(below: device)
                    return []
                },
            ],
            writable: ["Powered", "Alias"])
        try export(
            BlueZInterface.gattManager, at: path, declared: [], values: [:],
            methods: [
                method("RegisterApplication", [.objectPath, Self.dictionary]) { [weak self] call throws(DBusError) in
                    guard let self, let root = call.arguments[0].objectPath, let sender = call.sender else { return [] }
                    let reply = try await self.connection.call(
                        .methodCall(destination: sender, path: root, interface: "org.freedesktop.DBus.ObjectManager", member: "GetManagedObjects"),
                        timeout: .seconds(30))
                    let objects = try reply.body[0].managedObjects()
                    guard !objects.isEmpty else { throw DBusError(errorName: "org.bluez.Error.Failed", message: "No object received") }
                    self.application.withLock { $0 = (sender, root, objects) }
                    return []
                },
                method("UnregisterApplication", [.objectPath]),
            ])
        try export(
            BlueZInterface.advertisingManager, at: path, declared: [], values: [:],
            methods: [
                method("RegisterAdvertisement", [.objectPath, Self.dictionary]) { [weak self] call throws(DBusError) in
                    guard let self, let advertisement = call.arguments[0].objectPath, let sender = call.sender else { return [] }
                    let reply = try await self.connection.call(
                        .methodCall(destination: sender, path: advertisement, interface: "org.freedesktop.DBus.Properties", member: "GetAll",
                                    body: [.string(BlueZInterface.advertisement)]),
                        timeout: .seconds(30))
                    let properties = try reply.body[0].propertyDictionary()
                    self.advertisement.withLock { $0 = (sender, advertisement, properties) }
                    return []
                },
                method("UnregisterAdvertisement", [.objectPath]),
            ])
    }

    // MARK: Device

    /// Exports a discovered device (no RSSI until set).
    func addDevice(at path: DBusObjectPath = FakePaths.device, address: String = "00:AA:01:01:00:01", name: String = "printer",
                   uuids: [String] = [FakeBlueZ.serviceUUID]) throws {
        try export(
            BlueZInterface.device, at: path,
            declared: [("Adapter", .objectPath), ("Address", .string), ("AddressType", .string), ("Name", .string), ("Alias", .string),
                       ("RSSI", .int16), ("UUIDs", .array(.string)), ("ServiceData", Self.dictionary),
                       ("ManufacturerData", .dictionary(key: .uint16, value: .variant)), ("Connected", .boolean),
                       ("ServicesResolved", .boolean), ("Paired", .boolean)],
            values: ["Adapter": .objectPath(FakePaths.adapter), "Address": .string(address), "AddressType": .string("public"),
                     "Name": .string(name), "Alias": .string(name), "UUIDs": .stringArray(uuids),
                     "Connected": .boolean(false), "ServicesResolved": .boolean(false), "Paired": .boolean(false)],
            methods: [
                method("Connect") { [weak self] _ throws(DBusError) in
                    guard let self else { return [] }
                    let scripted = self.connectScript.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                    if let scripted { throw scripted }
                    for rssi in 0..<self.signalsBeforeConnected.withLock({ $0 }) {
                        try? self.set("RSSI", .int16(Int16(-40 - rssi % 40)), interface: BlueZInterface.device, at: path)
                    }
                    try? self.set("Connected", .boolean(true), interface: BlueZInterface.device, at: path)
                    if self.resolveOnConnect.withLock({ $0 }) {
                        try? self.set("ServicesResolved", .boolean(true), interface: BlueZInterface.device, at: path)
                    }
                    return []
                },
                method("Disconnect") { [weak self] _ throws(DBusError) in
                    try? self?.set("ServicesResolved", .boolean(false), interface: BlueZInterface.device, at: path)
                    try? self?.set("Connected", .boolean(false), interface: BlueZInterface.device, at: path)
                    return []
                },
            ])
    }

    /// Exports the device's service and its characteristic (read, write, notify).
    func addGattObjects(mtu: UInt16? = 247) throws {
        try export(
            BlueZInterface.gattService, at: FakePaths.service,
            declared: [("UUID", .string), ("Device", .objectPath), ("Primary", .boolean)],
            values: ["UUID": .string(Self.serviceUUID), "Device": .objectPath(FakePaths.device), "Primary": .boolean(true)],
            methods: [])
        var values: [String: DBusValue] = [
            "UUID": .string(Self.characteristicUUID), "Service": .objectPath(FakePaths.service), "Value": .bytes([]),
            "Flags": .stringArray(["read", "write", "write-without-response", "notify"]), "Notifying": .boolean(false),
        ]
        if let mtu { values["MTU"] = .uint16(mtu) }
        let path = FakePaths.characteristic
        let interface = BlueZInterface.gattCharacteristic
        try export(
            interface, at: path,
            declared: [("UUID", .string), ("Service", .objectPath), ("Value", .array(.byte)), ("Flags", .array(.string)),
                       ("Notifying", .boolean), ("MTU", .uint16)],
            values: values,
            methods: [
                method("ReadValue", [Self.dictionary], outputs: [.array(.byte)]) { [weak self] call throws(DBusError) in
                    guard let self else { return [] }
                    if let error = self.readError.withLock({ $0 }) { throw error }
                    let offset = Int(try call.arguments[0].propertyDictionary()["offset"]?.uint16 ?? 0)
                    let value = (try? self.value("Value", interface: interface, at: path)?.bytes()) ?? []
                    return [.bytes(Array(value.dropFirst(offset)))]
                },
                method("WriteValue", [.array(.byte), Self.dictionary]) { [weak self] call throws(DBusError) in
                    guard let self else { return [] }
                    self.writes.withLock { writes in
                        writes.active += 1
                        writes.maxActive = max(writes.maxActive, writes.active)
                    }
                    try? await Task.sleep(for: .milliseconds(10))
                    let bytes = try call.arguments[0].bytes()
                    self.writes.withLock { writes in
                        writes.active -= 1
                        writes.values.append(bytes)
                    }
                    return []
                },
                method("StartNotify") { [weak self] _ throws(DBusError) in
                    guard let self else { return [] }
                    try? self.set("Notifying", .boolean(true), interface: interface, at: path)
                    if let value = self.notifyDuringStartNotify.withLock({ $0 }) {
                        try? self.set("Value", .bytes(value), interface: interface, at: path)
                    }
                    return []
                },
                method("StopNotify") { [weak self] _ throws(DBusError) in
                    try? self?.set("Notifying", .boolean(false), interface: interface, at: path)
                    return []
                },
            ])
    }

    /// Unexports `root` and everything below it (InterfacesRemoved, children first).
    func removeObjects(below root: DBusObjectPath) {
        for path in server.registeredPaths.reversed() where path.isDescendant(of: root) {
            try? server.unregisterObject(at: path)
            _ = store.withLock { $0.removeValue(forKey: path) }
        }
    }

    // MARK: Restart

    /// Simulates a bluetoothd restart: gives up org.bluez and owns it again.
    func restart() async throws {
        _ = try await connection.releaseName(BlueZInterface.service, timeout: .seconds(30))
        _ = try await connection.requestName(BlueZInterface.service, timeout: .seconds(30))
    }
}
