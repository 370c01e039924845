import DBus
import Synchronization

/// A characteristic our GATT application serves (`org.bluez.GattCharacteristic1`, exported).
///
/// Without a read handler, reads return the stored value from the requested offset; without a
/// write handler, writes replace it. Notifications: while BlueZ has called `StartNotify` (a
/// remote enabled them), ``notify(_:)`` stores the value and emits `PropertiesChanged` on
/// `Value`, which BlueZ turns into an ATT notification or indication.
public final class LocalCharacteristic: Sendable {
    /// Produces the value for a read; throw a ``BlueZError`` (e.g. ``BlueZError/att(_:)``,
    /// `.notPermitted`) to answer with an error.
    public typealias ReadHandler = @Sendable (GattRequestOptions) async throws(BlueZError) -> [UInt8]
    /// Takes a written value; throw a ``BlueZError`` to answer with an error.
    public typealias WriteHandler = @Sendable ([UInt8], GattRequestOptions) async throws(BlueZError) -> Void
    /// Told when a remote enables (true) or disables (false) notifications.
    public typealias NotifyingHandler = @Sendable (Bool) -> Void

    /// The characteristic UUID, normalised.
    public let uuid: String
    /// BlueZ flags: "read", "write", "write-without-response", "notify", "indicate", ...
    public let flags: [String]
    /// The descriptors (BlueZ adds the CCC itself for notify/indicate).
    public let descriptors: [LocalDescriptor]
    let onRead: ReadHandler?
    let onWrite: WriteHandler?
    let onNotifyingChanged: NotifyingHandler?
    let state: Mutex<(value: [UInt8], notifying: Bool, export: (server: DBusObjectServer, path: DBusObjectPath)?)>

    /// A characteristic with `uuid` and `flags`, an initial `value` and optional handlers.
    public init(
        uuid: String, flags: [String], value: [UInt8] = [], descriptors: [LocalDescriptor] = [],
        onRead: ReadHandler? = nil, onWrite: WriteHandler? = nil, onNotifyingChanged: NotifyingHandler? = nil
    ) {
        self.uuid = GattUUID.normalized(uuid)
        self.flags = flags
        self.descriptors = descriptors
        self.onRead = onRead
        self.onWrite = onWrite
        self.onNotifyingChanged = onNotifyingChanged
        self.state = Mutex((value, false, nil))
    }

    /// The stored value.
    public var value: [UInt8] {
        state.withLock { $0.value }
    }

    /// Whether a remote has notifications enabled.
    public var isNotifying: Bool {
        state.withLock { $0.notifying }
    }

    /// The exported object path, once the application is registered.
    public var path: DBusObjectPath? {
        state.withLock { $0.export?.path }
    }

    /// Stores `value` and, while notifying, sends it to the remote (`PropertiesChanged` on
    /// `Value`). Returns whether a notification was sent.
    @discardableResult
    public func notify(_ value: [UInt8]) throws(BlueZError) -> Bool {
        let target = state.withLock { state -> (DBusObjectServer, DBusObjectPath)? in
            state.value = value
            guard state.notifying, let export = state.export else { return nil }
            return (export.server, export.path)
        }
        guard let (server, path) = target else { return false }
        do throws(DBusError) {
            try server.propertiesChanged(["Value"], interface: BlueZInterface.gattCharacteristic, at: path)
        } catch {
            throw BlueZError(error)
        }
        return true
    }

    /// The exported interface for the object at `path` below `service`.
    func exportedInterface(service: DBusObjectPath) -> DBusExportedInterface {
        var properties = [
            DBusExportedProperty("UUID", type: .string, emitsChanged: .constant, get: { [uuid] _ in .string(uuid) }),
            DBusExportedProperty("Service", type: .objectPath, emitsChanged: .constant, get: { _ in .objectPath(service) }),
            DBusExportedProperty("Flags", type: .array(.string), emitsChanged: .constant, get: { [flags] _ in .stringArray(flags) }),
            DBusExportedProperty("Value", type: .array(.byte), get: { [weak self] _ in .bytes(self?.value ?? []) }),
        ]
        if flags.contains("notify") || flags.contains("indicate") {
            properties.append(DBusExportedProperty("Notifying", type: .boolean, get: { [weak self] _ in .boolean(self?.isNotifying ?? false) }))
        }
        let options = DBusArgument("options", .dictionary(key: .string, value: .variant))
        return DBusExportedInterface(
            BlueZInterface.gattCharacteristic,
            methods: [
                DBusExportedMethod("ReadValue", inputs: [options], outputs: [DBusArgument("value", .array(.byte))]) { [weak self] call throws(DBusError) in
                    guard let self else { throw DBusError(.unknownObject, message: "characteristic gone") }
                    return [.bytes(try await self.read(GattRequestOptions(try call.arguments[0].propertyDictionary())))]
                },
                DBusExportedMethod("WriteValue", inputs: [DBusArgument("value", .array(.byte)), options]) { [weak self] call throws(DBusError) in
                    guard let self else { throw DBusError(.unknownObject, message: "characteristic gone") }
                    try await self.write(try call.arguments[0].bytes(), GattRequestOptions(try call.arguments[1].propertyDictionary()))
                    return []
                },
                DBusExportedMethod("StartNotify") { [weak self] _ throws(DBusError) in
                    self?.setNotifying(true)
                    return []
                },
                DBusExportedMethod("StopNotify") { [weak self] _ throws(DBusError) in
                    self?.setNotifying(false)
                    return []
                },
            ],
            properties: properties)
    }

    private func read(_ options: GattRequestOptions) async throws(DBusError) -> [UInt8] {
        do throws(BlueZError) {
            if let onRead { return try await onRead(options) }
            let value = self.value
            guard Int(options.offset) <= value.count else { throw BlueZError(.invalidOffset, message: "Invalid offset") }
            return Array(value[Int(options.offset)...])
        } catch {
            throw error.dbusError
        }
    }

    private func write(_ bytes: [UInt8], _ options: GattRequestOptions) async throws(DBusError) {
        do throws(BlueZError) {
            if let onWrite {
                try await onWrite(bytes, options)
            } else {
                state.withLock { $0.value = bytes }
            }
        } catch {
            throw error.dbusError
        }
    }

    private func setNotifying(_ notifying: Bool) {
        let export = state.withLock { state -> (DBusObjectServer, DBusObjectPath)? in
            guard state.notifying != notifying else { return nil }
            state.notifying = notifying
            return state.export
        }
        guard let (server, path) = export else { return }
        try? server.propertiesChanged(["Notifying"], interface: BlueZInterface.gattCharacteristic, at: path)
        onNotifyingChanged?(notifying)
    }
}

/// A descriptor our GATT application serves (`org.bluez.GattDescriptor1`), with a fixed value
/// (e.g. a 0x2901 Characteristic User Description).
public struct LocalDescriptor: Sendable {
    /// The descriptor UUID, normalised.
    public var uuid: String
    /// BlueZ flags: "read", "write", ...
    public var flags: [String]
    /// The value reads return.
    public var value: [UInt8]

    /// A read-only descriptor with `uuid` and `value`.
    public init(uuid: String, value: [UInt8], flags: [String] = ["read"]) {
        self.uuid = GattUUID.normalized(uuid)
        self.value = value
        self.flags = flags
    }

    /// The exported interface for the object below `characteristic`.
    func exportedInterface(characteristic: DBusObjectPath) -> DBusExportedInterface {
        let (uuid, flags, value) = (uuid, flags, value)
        return DBusExportedInterface(
            BlueZInterface.gattDescriptor,
            methods: [
                DBusExportedMethod("ReadValue", inputs: [DBusArgument("options", .dictionary(key: .string, value: .variant))], outputs: [DBusArgument("value", .array(.byte))]) { call throws(DBusError) in
                    let offset = Int(GattRequestOptions(try call.arguments[0].propertyDictionary()).offset)
                    guard offset <= value.count else { throw BlueZError(.invalidOffset, message: "Invalid offset").dbusError }
                    return [.bytes(Array(value[offset...]))]
                },
            ],
            properties: [
                DBusExportedProperty("UUID", type: .string, emitsChanged: .constant, get: { _ in .string(uuid) }),
                DBusExportedProperty("Characteristic", type: .objectPath, emitsChanged: .constant, get: { _ in .objectPath(characteristic) }),
                DBusExportedProperty("Flags", type: .array(.string), emitsChanged: .constant, get: { _ in .stringArray(flags) }),
                DBusExportedProperty("Value", type: .array(.byte), emitsChanged: .constant, get: { _ in .bytes(value) }),
            ])
    }
}
