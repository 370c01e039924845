import DBus

/// The filter of a discovery session (`Adapter1.SetDiscoveryFilter`).
///
/// BlueZ merges the filters of all its clients, so a session may see devices its own filter
/// excludes; ``matches(_:)`` re-checks each device on our side.
public struct DiscoveryFilter: Sendable, Hashable {
    /// The transport to scan.
    public enum Transport: String, Sendable, Hashable {
        case auto
        case bredr
        case le
    }

    /// Service UUIDs: a device matches when it advertises one of them (in UUIDs or
    /// ServiceData). Empty: any device.
    public var uuids: [String]
    /// Minimum RSSI in dBm; devices reported weaker are skipped.
    public var rssi: Int16?
    /// Maximum path loss in dB (BlueZ only; not re-checked here).
    public var pathloss: UInt16?
    /// `Transport`: LE by default.
    public var transport: Transport
    /// Report every advertisement (true) or only changes (false, BlueZ's default).
    public var duplicateData: Bool?
    /// Only discoverable devices.
    public var discoverable: Bool?
    /// A prefix the address or name must start with (BlueZ 5.54+).
    public var pattern: String?

    /// A filter; by default LE only and anything advertised.
    public init(
        uuids: [String] = [], rssi: Int16? = nil, pathloss: UInt16? = nil, transport: Transport = .le,
        duplicateData: Bool? = nil, discoverable: Bool? = nil, pattern: String? = nil
    ) {
        self.uuids = uuids.map(GattUUID.normalized)
        self.rssi = rssi
        self.pathloss = pathloss
        self.transport = transport
        self.duplicateData = duplicateData
        self.discoverable = discoverable
        self.pattern = pattern
    }

    /// Whether a device passes this filter, judged from what BlueZ reports about it. A filter
    /// on RSSI admits devices whose RSSI is unknown (BlueZ omits it for some controllers).
    public func matches(_ device: DeviceProperties) -> Bool {
        if !uuids.isEmpty {
            let advertised = Set(device.uuids).union(device.serviceData.keys)
            guard uuids.contains(where: advertised.contains) else { return false }
        }
        if let rssi, let seen = device.rssi, seen < rssi { return false }
        if let pattern, !pattern.isEmpty {
            let name = device.name ?? device.alias ?? ""
            guard device.address.hasPrefix(pattern) || name.hasPrefix(pattern) else { return false }
        }
        return true
    }

    /// The `a{sv}` argument of `SetDiscoveryFilter`.
    var dbusValue: DBusValue {
        var properties: [String: DBusValue] = ["Transport": .string(transport.rawValue)]
        if !uuids.isEmpty { properties["UUIDs"] = .stringArray(uuids) }
        if let rssi { properties["RSSI"] = .int16(rssi) }
        if let pathloss { properties["Pathloss"] = .uint16(pathloss) }
        if let duplicateData { properties["DuplicateData"] = .boolean(duplicateData) }
        if let discoverable { properties["Discoverable"] = .boolean(discoverable) }
        if let pattern { properties["Pattern"] = .string(pattern) }
        return .propertyDictionary(properties)
    }

    /// The one filter to give BlueZ for several sessions of this process: wide enough for each.
    static func merged(_ filters: [DiscoveryFilter]) -> DiscoveryFilter? {
        guard let first = filters.first else { return nil }
        var merged = first
        for filter in filters.dropFirst() {
            if merged.transport != filter.transport { merged.transport = .auto }
            merged.uuids = merged.uuids.isEmpty || filter.uuids.isEmpty ? [] : Array(Set(merged.uuids + filter.uuids)).sorted()
            merged.rssi = merged.rssi.flatMap { a in filter.rssi.map { min(a, $0) } }
            merged.pathloss = merged.pathloss.flatMap { a in filter.pathloss.map { max(a, $0) } }
            if filter.duplicateData == true { merged.duplicateData = true }
            if merged.discoverable != filter.discoverable { merged.discoverable = nil }
            if merged.pattern != filter.pattern { merged.pattern = nil }
        }
        if merged.pathloss != nil && merged.rssi != nil { merged.pathloss = nil }
        return merged
    }
}
