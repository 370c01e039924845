import DBus

/// Typed reads from a cached `a{sv}` property dictionary. A missing or mistyped property reads
/// as nil: BlueZ omits properties it does not know (RSSI, Name, TxPower...).
extension Dictionary where Key == String, Value == DBusValue {
    func string(_ name: String) -> String? { self[name]?.unwrappedVariant.string }
    func bool(_ name: String) -> Bool? { self[name]?.unwrappedVariant.bool }
    func int16(_ name: String) -> Int16? { self[name]?.unwrappedVariant.int16 }
    func uint16(_ name: String) -> UInt16? { self[name]?.unwrappedVariant.uint16 }
    func uint32(_ name: String) -> UInt32? { self[name]?.unwrappedVariant.uint32 }
    func byte(_ name: String) -> UInt8? { self[name]?.unwrappedVariant.byte }
    func objectPath(_ name: String) -> DBusObjectPath? { self[name]?.unwrappedVariant.objectPath }
    func strings(_ name: String) -> [String]? { try? self[name]?.unwrappedVariant.stringArray() }
    func bytes(_ name: String) -> [UInt8]? { try? self[name]?.unwrappedVariant.bytes() }
    func objectPaths(_ name: String) -> [DBusObjectPath]? { try? self[name]?.unwrappedVariant.objectPathArray() }

    /// `a{sv}` whose values are `ay` (ServiceData): UUID to bytes.
    func stringKeyedBytes(_ name: String) -> [String: [UInt8]]? {
        guard let dictionary = try? self[name]?.unwrappedVariant.propertyDictionary() else { return nil }
        return dictionary.reduce(into: [:]) { result, entry in
            if let bytes = try? entry.value.unwrappedVariant.bytes() { result[GattUUID.normalized(entry.key)] = bytes }
        }
    }

    /// `a{qv}` whose values are `ay` (ManufacturerData): company id to bytes.
    func uint16KeyedBytes(_ name: String) -> [UInt16: [UInt8]]? {
        guard let dictionary = try? self[name]?.unwrappedVariant.uint16VariantDictionary() else { return nil }
        return dictionary.reduce(into: [:]) { result, entry in
            if let bytes = try? entry.value.unwrappedVariant.bytes() { result[entry.key] = bytes }
        }
    }
}
