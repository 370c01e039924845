import DBus

/// A snapshot of an `org.bluez.Adapter1` object's properties.
public struct AdapterProperties: Sendable, Hashable {
    /// The adapter's object path, e.g. `/org/bluez/hci0`.
    public var path: DBusObjectPath
    /// The controller's Bluetooth address.
    public var address: String
    /// "public" or "random".
    public var addressType: String?
    /// The system name (`Name`).
    public var name: String?
    /// The friendly name (`Alias`).
    public var alias: String?
    /// Whether the radio is on.
    public var powered: Bool
    /// Whether a discovery session (of any client) is running.
    public var discovering: Bool
    /// `Discoverable`.
    public var discoverable: Bool
    /// `Pairable`.
    public var pairable: Bool
    /// Supported roles ("central", "peripheral", ...); absent before BlueZ 5.56.
    public var roles: [String]
    /// Local service UUIDs.
    public var uuids: [String]
    /// The interface name: the last path component (`hci0`).
    public var interfaceName: String { String(path.rawValue.split(separator: "/").last ?? "") }

    /// Decodes the Adapter1 properties of the object at `path`.
    public init(path: DBusObjectPath, properties: [String: DBusValue]) {
        self.path = path
        self.address = properties.string("Address") ?? ""
        self.addressType = properties.string("AddressType")
        self.name = properties.string("Name")
        self.alias = properties.string("Alias")
        self.powered = properties.bool("Powered") ?? false
        self.discovering = properties.bool("Discovering") ?? false
        self.discoverable = properties.bool("Discoverable") ?? false
        self.pairable = properties.bool("Pairable") ?? false
        self.roles = properties.strings("Roles") ?? []
        self.uuids = (properties.strings("UUIDs") ?? []).map(GattUUID.normalized)
    }
}
