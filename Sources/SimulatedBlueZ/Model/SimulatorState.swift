import DBus

/// A client's registration of an object (advertisement, application): its unique bus name
/// and the object path it registered.
struct Registration: Sendable, Hashable {
    var owner: String
    var path: DBusObjectPath
}

/// A remote device as one adapter knows it (Device1): what its advertisements said and the
/// state of the connection to it.
struct DeviceState: Sendable, Hashable {
    var address: BluetoothAddress
    var name: String?
    var alias: String?
    var rssi: Int16?
    var txPower: Int16?
    var uuids: [String] = []
    var manufacturerData: [UInt16: [UInt8]] = [:]
    var serviceData: [String: [UInt8]] = [:]
    var modalias: String?
    var connected = false
    var connecting = false
    var servicesResolved = false
    var paired = false
    var trusted = false
    var blocked = false
    /// The link this device is connected over, if any.
    var linkID: UInt64?
    /// The peer's GATT database as exported under this device (central side): it stays while
    /// the device is disconnected and goes with the device, as in bluetoothd 5.66.
    var gatt: RemoteGatt?
    /// The last sighting (advertising report, connection, disconnection) as a number from
    /// `SimulatorState.nextSighting`; an expiry timer armed at one sighting fires only if no
    /// later one came.
    var sighting: UInt64 = 0
}

/// A peer's GATT database as a central exports it below the peer's Device1.
struct RemoteGatt: Sendable, Hashable {
    var database: GattDatabase
    /// Object path of each exported attribute, by index into `database`.
    var paths: [Int: DBusObjectPath]
    /// Cached Value of each attribute, as the objects show it.
    var values: [Int: [UInt8]] = [:]
    /// Clients with a notification session, by characteristic index. Sessions outlive a link
    /// as in bluetoothd 5.66 (recorded, Tests/RealBlueZ/reference/reconnect): Notifying stays
    /// true while disconnected and notifications are enabled again on reconnection.
    var notifySessions: [Int: Set<String>] = [:]

    /// The paths children first (descriptors, then characteristics, then services), the order
    /// bluetoothd removes them in.
    var pathsChildrenFirst: [DBusObjectPath] {
        paths.keys.sorted(by: >).compactMap { paths[$0] }
    }
}

/// One adapter (`hciN`) and everything registered on it.
struct AdapterState: Sendable {
    var index: Int
    var address: BluetoothAddress
    var name: String
    var alias: String
    var powered = true
    var discoverable = false
    var discoverableTimeout: UInt32 = 180
    var pairable = false
    var pairableTimeout: UInt32 = 0
    var discoveryClients: Set<String> = []
    var filters: [String: ClientDiscoveryFilter] = [:]
    var advertisements: [(registration: Registration, advertisement: RegisteredAdvertisement)] = []
    var applications: [RegisteredApplication] = []
    var devices: [BluetoothAddress: DeviceState] = [:]

    var discovering: Bool { !discoveryClients.isEmpty }

    /// bluetoothd 5.66's own service UUIDs on the adapter, after the applications' ones.
    static let builtInUUIDs = ["1801", "1800", "1200", "110c", "110e", "180a"].map(UUIDText.normalized)

    var uuids: [String] {
        var seen = Set<String>()
        return (applications.flatMap(\.primaryServiceUUIDs) + Self.builtInUUIDs).filter { seen.insert($0).inserted }
    }

    /// The filters of the discovering clients (an unfiltered client counts as the empty filter).
    var activeFilters: [ClientDiscoveryFilter] {
        discoveryClients.map { filters[$0] ?? ClientDiscoveryFilter() }
    }
}

/// A connection between a central adapter and a peripheral adapter.
struct LinkState: Sendable {
    var id: UInt64
    var central: Int
    var peripheral: Int
    var centralAddress: BluetoothAddress
    var peripheralAddress: BluetoothAddress
    var parameters: LinkParameters
    var database: GattDatabase
    var counters = ATTCounters()
    /// Serialises the link's ATT requests.
    let bearer = ATTBearer()
}

/// The parameters of one link.
public struct LinkParameters: Sendable, Hashable {
    /// ATT MTU, 23...517.
    public var mtu: UInt16
    /// Connection interval; each ATT operation costs at least one.
    public var interval: Duration
    /// RSSI in dBm.
    public var rssi: Int16

    /// Parameters with the MTU clamped to 23...517.
    public init(mtu: UInt16, interval: Duration, rssi: Int16) {
        self.mtu = min(max(mtu, 23), 517)
        self.interval = max(interval, .zero)
        self.rssi = rssi
    }
}

/// Faults armed for the next notification the simulator relays.
struct NotificationFaults: Sendable, Hashable {
    var dropNext = false
    var duplicateNext = false
    var delayNext: Duration?
}

/// Everything the simulator knows, behind one lock.
struct SimulatorState: Sendable {
    var adapters: [Int: AdapterState] = [:]
    var links: [UInt64: LinkState] = [:]
    var nextLinkID: UInt64 = 1
    /// The next sighting number (see `DeviceState.sighting`); never reset, so a timer armed
    /// before a restart cannot match a device seen after it.
    var nextSighting: UInt64 = 1
    var linkOverrides: [Int: LinkParameters] = [:]
    var totals = ATTCounters()
    var notificationFaults = NotificationFaults()
    var agents: Set<Registration> = []

    func adapterIndex(of address: BluetoothAddress) -> Int? {
        adapters.values.first { $0.address == address }?.index
    }

    /// The link adapter `central` has to the device `address`, if connected.
    func link(central: Int, address: BluetoothAddress) -> LinkState? {
        adapters[central]?.devices[address]?.linkID.flatMap { links[$0] }
    }

    /// The link over which adapter `central` reaches the database it exports for device
    /// `address`: none while disconnected, or while a changed database is being resolved.
    func gattLink(central: Int, address: BluetoothAddress) -> LinkState? {
        guard let link = link(central: central, address: address),
            adapters[central]?.devices[address]?.gatt?.database == link.database
        else { return nil }
        return link
    }

    /// Whether any link's central still has notifications enabled on the application
    /// characteristic `path` of `owner`. bluetoothd (gatt-database.c) counts the enabled CCCs of
    /// an external characteristic over all connections and calls the application's StopNotify
    /// only when the last one is disabled; StartNotify comes with every enable.
    func hasNotificationSubscriber(owner: String, path: DBusObjectPath) -> Bool {
        links.values.contains { link in
            guard let index = link.database.attributes.firstIndex(where: { $0.backing == .application(owner: owner, path: path) }) else {
                return false
            }
            return !(remoteGatt(link: link.id)?.notifySessions[index] ?? []).isEmpty
        }
    }

    /// The GATT objects the central of link `id` exports for its peer.
    func remoteGatt(link id: UInt64) -> RemoteGatt? {
        guard let link = links[id] else { return nil }
        return adapters[link.central]?.devices[link.peripheralAddress]?.gatt
    }

    /// Records a sighting of the device `address` on adapter `adapter` (which cancels the
    /// expiry armed at an earlier one) and returns its number.
    @discardableResult
    mutating func sight(_ address: BluetoothAddress, on adapter: Int) -> UInt64 {
        let number = nextSighting
        nextSighting += 1
        adapters[adapter]?.devices[address]?.sighting = number
        return number
    }

    mutating func count(_ change: ATTCounters, on linkID: UInt64) {
        links[linkID]?.counters.add(change)
        totals.add(change)
    }
}
