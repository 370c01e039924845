import DBus

/// A snapshot of an `org.bluez.GattService1` object's properties (a remote service).
public struct GattServiceProperties: Sendable, Hashable {
    /// The object path.
    public var path: DBusObjectPath
    /// The service UUID, normalised.
    public var uuid: String
    /// The device the service belongs to.
    public var device: DBusObjectPath?
    /// `Primary`: a primary (not an included-only) service.
    public var primary: Bool
    /// The ATT handle (BlueZ 5.54+, may be absent).
    public var handle: UInt16?
    /// Included services.
    public var includes: [DBusObjectPath]

    /// Decodes the GattService1 properties of the object at `path`.
    public init(path: DBusObjectPath, properties: [String: DBusValue]) {
        self.path = path
        self.uuid = GattUUID.normalized(properties.string("UUID") ?? "")
        self.device = properties.objectPath("Device")
        self.primary = properties.bool("Primary") ?? true
        self.handle = properties.uint16("Handle")
        self.includes = properties.objectPaths("Includes") ?? []
    }
}

/// A snapshot of an `org.bluez.GattCharacteristic1` object's properties (a remote characteristic).
public struct GattCharacteristicProperties: Sendable, Hashable {
    /// The object path.
    public var path: DBusObjectPath
    /// The characteristic UUID, normalised.
    public var uuid: String
    /// The service the characteristic belongs to.
    public var service: DBusObjectPath?
    /// The cached value: the last read or notified one (empty before).
    public var value: [UInt8]
    /// BlueZ's flags: "read", "write", "write-without-response", "notify", "indicate", ...
    public var flags: [String]
    /// Whether a notify session is active.
    public var notifying: Bool?
    /// The ATT MTU of the link (BlueZ 5.62+); nil when BlueZ does not report it.
    public var mtu: UInt16?
    /// The ATT handle, when reported.
    public var handle: UInt16?

    /// Decodes the GattCharacteristic1 properties of the object at `path`.
    public init(path: DBusObjectPath, properties: [String: DBusValue]) {
        self.path = path
        self.uuid = GattUUID.normalized(properties.string("UUID") ?? "")
        self.service = properties.objectPath("Service")
        self.value = properties.bytes("Value") ?? []
        self.flags = properties.strings("Flags") ?? []
        self.notifying = properties.bool("Notifying")
        self.mtu = properties.uint16("MTU")
        self.handle = properties.uint16("Handle")
    }
}

/// A snapshot of an `org.bluez.GattDescriptor1` object's properties (a remote descriptor).
public struct GattDescriptorProperties: Sendable, Hashable {
    /// The object path.
    public var path: DBusObjectPath
    /// The descriptor UUID, normalised.
    public var uuid: String
    /// The characteristic the descriptor belongs to.
    public var characteristic: DBusObjectPath?
    /// The cached value.
    public var value: [UInt8]
    /// `Flags`: "read", "write", ...
    public var flags: [String]
    /// `Handle`, when reported.
    public var handle: UInt16?

    /// Decodes the GattDescriptor1 properties of the object at `path`.
    public init(path: DBusObjectPath, properties: [String: DBusValue]) {
        self.path = path
        self.uuid = GattUUID.normalized(properties.string("UUID") ?? "")
        self.characteristic = properties.objectPath("Characteristic")
        self.value = properties.bytes("Value") ?? []
        self.flags = properties.strings("Flags") ?? []
        self.handle = properties.uint16("Handle")
    }
}
