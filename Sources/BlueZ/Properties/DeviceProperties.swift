import DBus

/// A snapshot of an `org.bluez.Device1` object's properties.
public struct DeviceProperties: Sendable, Hashable {
    /// The device's object path, e.g. `/org/bluez/hci0/dev_00_AA_01_01_00_01`.
    public var path: DBusObjectPath
    /// The adapter the device belongs to.
    public var adapter: DBusObjectPath?
    /// The remote Bluetooth address.
    public var address: String
    /// "public" or "random".
    public var addressType: String?
    /// The remote name (advertised LocalName, later the GAP Device Name), if known.
    public var name: String?
    /// The name to show: the alias, which falls back to the name or address.
    public var alias: String?
    /// The last received signal strength in dBm; nil when unknown: BlueZ drops it when discovery
    /// stops, and a reported 127 (HCI's "RSSI not available", e.g. every report from btvirt)
    /// reads as nil too.
    public var rssi: Int16?
    /// The advertised transmit power.
    public var txPower: Int16?
    /// Advertised (or resolved) service UUIDs, normalised.
    public var uuids: [String]
    /// Advertised service data: normalised UUID to bytes.
    public var serviceData: [String: [UInt8]]
    /// Advertised manufacturer data: company identifier to bytes.
    public var manufacturerData: [UInt16: [UInt8]]
    /// The GAP appearance.
    public var appearance: UInt16?
    /// The Class of Device (BR/EDR).
    public var deviceClass: UInt32?
    /// `Connected`: a link is up.
    public var connected: Bool
    /// Whether GATT discovery finished and the services are exported.
    public var servicesResolved: Bool
    /// `Paired`.
    public var paired: Bool
    /// `Bonded`: keys are stored.
    public var bonded: Bool
    /// `Trusted`.
    public var trusted: Bool
    /// `Blocked`.
    public var blocked: Bool
    /// `LegacyPairing`.
    public var legacyPairing: Bool

    /// The RSSI value HCI uses for "not available" (Core spec Vol 4 Part E 7.7.65.2); bluetoothd
    /// passes it through as Device1.RSSI.
    public static let rssiNotAvailable: Int16 = 127

    /// Decodes the Device1 properties of the object at `path`.
    public init(path: DBusObjectPath, properties: [String: DBusValue]) {
        self.path = path
        self.adapter = properties.objectPath("Adapter")
        self.address = properties.string("Address") ?? ""
        self.addressType = properties.string("AddressType")
        self.name = properties.string("Name")
        self.alias = properties.string("Alias")
        self.rssi = properties.int16("RSSI").flatMap { $0 == Self.rssiNotAvailable ? nil : $0 }
        self.txPower = properties.int16("TxPower")
        self.uuids = (properties.strings("UUIDs") ?? []).map(GattUUID.normalized)
        self.serviceData = properties.stringKeyedBytes("ServiceData") ?? [:]
        self.manufacturerData = properties.uint16KeyedBytes("ManufacturerData") ?? [:]
        self.appearance = properties.uint16("Appearance")
        self.deviceClass = properties.uint32("Class")
        self.connected = properties.bool("Connected") ?? false
        self.servicesResolved = properties.bool("ServicesResolved") ?? false
        self.paired = properties.bool("Paired") ?? false
        self.bonded = properties.bool("Bonded") ?? false
        self.trusted = properties.bool("Trusted") ?? false
        self.blocked = properties.bool("Blocked") ?? false
        self.legacyPairing = properties.bool("LegacyPairing") ?? false
    }
}
