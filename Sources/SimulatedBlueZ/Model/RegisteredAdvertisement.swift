import DBus

/// An LEAdvertisement1 object as bluetoothd reads it at registration (advertising.c), and the
/// legacy advertising payload it turns into.
struct RegisteredAdvertisement: Sendable, Hashable {
    enum Kind: String, Sendable { case broadcast, peripheral }

    var kind: Kind
    var serviceUUIDs: [String] = []
    var solicitUUIDs: [String] = []
    var manufacturerData: [UInt16: [UInt8]] = [:]
    var serviceData: [String: [UInt8]] = [:]
    var data: [UInt8: [UInt8]] = [:]
    var includes: Set<String> = []
    var localName: String?
    var appearance: UInt16?
    var discoverable: Bool = false
    var includeTxPower = false

    /// The largest legacy advertising payload (Core Spec: 31 bytes).
    static let legacyLimit = 31

    /// Parses the properties of `GetAll(org.bluez.LEAdvertisement1)`. Throws BlueZ's
    /// `Failed: Failed to parse advertisement.` for what bluetoothd refuses.
    init(properties: [String: DBusValue]) throws(DBusError) {
        let refused = ErrorReply.failed("Failed to parse advertisement.")
        guard let type = properties["Type"]?.string, let kind = Kind(rawValue: type) else { throw refused }
        self.kind = kind
        if let value = properties["ServiceUUIDs"] {
            guard let uuids = try? value.stringArray(), uuids.allSatisfy(UUIDText.isValid) else { throw refused }
            serviceUUIDs = uuids.map(UUIDText.normalized)
        }
        if let value = properties["SolicitUUIDs"] {
            guard let uuids = try? value.stringArray(), uuids.allSatisfy(UUIDText.isValid) else { throw refused }
            solicitUUIDs = uuids.map(UUIDText.normalized)
        }
        if let value = properties["ManufacturerData"] {
            guard let entries = try? value.uint16VariantDictionary() else { throw refused }
            for (id, bytes) in entries {
                guard let bytes = try? bytes.bytes() else { throw refused }
                manufacturerData[id] = bytes
            }
        }
        if let value = properties["ServiceData"] {
            guard let entries = try? value.propertyDictionary() else { throw refused }
            for (uuid, bytes) in entries {
                guard UUIDText.isValid(uuid), let bytes = try? bytes.bytes() else { throw refused }
                serviceData[UUIDText.normalized(uuid)] = bytes
            }
        }
        if let value = properties["Data"] {
            guard let entries = value.dictionaryEntries else { throw refused }
            for entry in entries {
                guard let type = entry.key.byte, let bytes = try? entry.value.unwrappedVariant.bytes() else { throw refused }
                data[type] = bytes
            }
        }
        if let value = properties["Includes"] {
            guard let names = try? value.stringArray() else { throw refused }
            includes = Set(names)
        }
        if let value = properties["LocalName"] {
            // bluetoothd 5.66 parses Includes first; a LocalName beside "local-name" is then
            // "already included" and the whole advertisement is refused (seen in the VM tier).
            guard let name = value.string, !includes.contains("local-name") else { throw refused }
            localName = name
        }
        if let value = properties["Appearance"] {
            guard let appearance = value.uint16 else { throw refused }
            self.appearance = appearance
        }
        if let value = properties["Discoverable"] {
            guard let flag = value.bool else { throw refused }
            discoverable = flag
        }
        if let value = properties["IncludeTxPower"] {
            guard let flag = value.bool else { throw refused }
            includeTxPower = flag
        }
        if includes.contains("tx-power") { includeTxPower = true }
        if kind == .broadcast, discoverable { throw refused }
    }

    /// The length of the advertising data bluetoothd generates (bt_ad_generate): each AD
    /// structure is 1 length byte + 1 type byte + payload; UUIDs are grouped by size; the local
    /// name goes into the scan response, not here.
    var advertisingDataLength: Int {
        var length = 0
        for uuids in [serviceUUIDs, solicitUUIDs] {
            for size in [2, 4, 16] {
                let count = uuids.filter { UUIDText.compactSize(of: $0) == size }.count
                if count > 0 { length += 2 + size * count }
            }
        }
        for bytes in manufacturerData.values { length += 2 + 2 + bytes.count }
        for (uuid, bytes) in serviceData { length += 2 + UUIDText.compactSize(of: uuid) + bytes.count }
        for bytes in data.values { length += 2 + bytes.count }
        if appearance != nil || includes.contains("appearance") { length += 4 }
        if includeTxPower { length += 3 }
        return length
    }

    /// Checks the payload against the legacy budget as bluetoothd 5.66 and the kernel do (the
    /// VM tier's bisection): more than 31 bytes fails in bluetoothd ("Failed to parse
    /// advertisement."); with Discoverable the kernel adds the 3-byte Flags AD, and more than
    /// 28 bytes fails there ("Failed to register advertisement").
    func validateLegacyBudget() throws(DBusError) {
        let length = advertisingDataLength
        if length > Self.legacyLimit { throw ErrorReply.failed("Failed to parse advertisement.") }
        if discoverable, length > Self.legacyLimit - 3 { throw ErrorReply.failed("Failed to register advertisement") }
    }
}
