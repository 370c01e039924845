import DBus

/// One client's SetDiscoveryFilter, parsed and validated as adapter.c does
/// (`parse_discovery_filter_dict`), and the merge bluetoothd applies across clients.
struct ClientDiscoveryFilter: Sendable, Hashable {
    enum Transport: String, Sendable { case auto, bredr, le }

    var uuids: [String] = []
    var rssi: Int16?
    var pathloss: UInt16?
    var transport: Transport = .auto
    var duplicateData = true
    var discoverable = false
    var pattern: String?

    /// An empty filter (what `SetDiscoveryFilter({})` installs).
    init() {}

    /// Parses `a{sv}`; every malformed entry is `InvalidArguments` as in bluetoothd.
    init(properties: [String: DBusValue]) throws(DBusError) {
        for (key, value) in properties {
            switch key {
            case "UUIDs":
                guard let uuids = try? value.stringArray(), uuids.allSatisfy(UUIDText.isValid) else { throw ErrorReply.invalidArguments() }
                self.uuids = uuids.map(UUIDText.normalized)
            case "RSSI":
                guard let rssi = value.int16, (-127...20).contains(rssi) else { throw ErrorReply.invalidArguments() }
                self.rssi = rssi
            case "Pathloss":
                guard let pathloss = value.uint16, pathloss <= 137 else { throw ErrorReply.invalidArguments() }
                self.pathloss = pathloss
            case "Transport":
                guard let text = value.string, let transport = Transport(rawValue: text) else { throw ErrorReply.invalidArguments() }
                self.transport = transport
            case "DuplicateData":
                guard let flag = value.bool else { throw ErrorReply.invalidArguments() }
                duplicateData = flag
            case "Discoverable":
                guard let flag = value.bool else { throw ErrorReply.invalidArguments() }
                discoverable = flag
            case "Pattern":
                guard let text = value.string else { throw ErrorReply.invalidArguments() }
                pattern = text
            default:
                throw ErrorReply.invalidArguments()
            }
        }
        if rssi != nil, pathloss != nil { throw ErrorReply.invalidArguments() }
    }

    /// Whether an advertiser with `uuids`, `name` and `rssi` passes this filter.
    func accepts(uuids advertised: [String], name: String?, address: BluetoothAddress, rssi: Int16) -> Bool {
        if transport == .bredr { return false }
        if let threshold = self.rssi, rssi < threshold { return false }
        if !uuids.isEmpty, Set(uuids).isDisjoint(with: advertised) { return false }
        if let pattern, !pattern.isEmpty, !(name?.hasPrefix(pattern) ?? false), !address.text.hasPrefix(pattern) { return false }
        return true
    }

    /// Whether at least one client's filter (or a client without filter) accepts the advertiser:
    /// bluetoothd reports a device to every client when the merged filter passes it.
    static func mergedAccepts(
        _ filters: [ClientDiscoveryFilter], uuids: [String], name: String?, address: BluetoothAddress, rssi: Int16
    ) -> Bool {
        filters.isEmpty || filters.contains { $0.accepts(uuids: uuids, name: name, address: address, rssi: rssi) }
    }
}
