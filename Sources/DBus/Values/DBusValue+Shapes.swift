// Decoders and builders for the D-Bus shapes every BlueZ-style API uses. Decoders throw
// `.typeMismatch` saying which signature was expected and which was found.

extension DBusValue {
    /// `a{sv}` as a dictionary with the variants unwrapped (one level).
    public func propertyDictionary() throws(DBusError) -> [String: DBusValue] {
        guard case .dictionary(.string, .variant, let entries) = self else { throw mismatch("a{sv}") }
        var result: [String: DBusValue] = [:]
        result.reserveCapacity(entries.count)
        for entry in entries {
            guard case .string(let key) = entry.key, case .variant(let value) = entry.value else { throw mismatch("a{sv}") }
            result[key] = value
        }
        return result
    }

    /// `a{qv}` (e.g. manufacturer data) with the variants unwrapped.
    public func uint16VariantDictionary() throws(DBusError) -> [UInt16: DBusValue] {
        guard case .dictionary(.uint16, .variant, let entries) = self else { throw mismatch("a{qv}") }
        var result: [UInt16: DBusValue] = [:]
        for entry in entries {
            guard case .uint16(let key) = entry.key, case .variant(let value) = entry.value else { throw mismatch("a{qv}") }
            result[key] = value
        }
        return result
    }

    /// `a{sa{sv}}`: interface name to its properties.
    public func interfacesAndProperties() throws(DBusError) -> [String: [String: DBusValue]] {
        guard case .dictionary(.string, .dictionary(.string, .variant), let entries) = self else {
            throw mismatch("a{sa{sv}}")
        }
        var result: [String: [String: DBusValue]] = [:]
        for entry in entries {
            guard case .string(let interface) = entry.key else { throw mismatch("a{sa{sv}}") }
            result[interface] = try entry.value.propertyDictionary()
        }
        return result
    }

    /// `a{oa{sa{sv}}}`, the reply of `GetManagedObjects`: path to interface to properties.
    public func managedObjects() throws(DBusError) -> [DBusObjectPath: [String: [String: DBusValue]]] {
        guard case .dictionary(.objectPath, .dictionary(.string, .dictionary(.string, .variant)), let entries) = self else {
            throw mismatch("a{oa{sa{sv}}}")
        }
        var result: [DBusObjectPath: [String: [String: DBusValue]]] = [:]
        for entry in entries {
            guard case .objectPath(let path) = entry.key else { throw mismatch("a{oa{sa{sv}}}") }
            result[path] = try entry.value.interfacesAndProperties()
        }
        return result
    }

    /// `as`.
    public func stringArray() throws(DBusError) -> [String] {
        guard case .array(.string, let values) = self else { throw mismatch("as") }
        return values.compactMap(\.string)
    }

    /// `ay`.
    public func bytes() throws(DBusError) -> [UInt8] {
        guard case .array(.byte, let values) = self else { throw mismatch("ay") }
        return values.compactMap(\.byte)
    }

    /// `ao`.
    public func objectPathArray() throws(DBusError) -> [DBusObjectPath] {
        guard case .array(.objectPath, let values) = self else { throw mismatch("ao") }
        return values.compactMap(\.objectPath)
    }

    private func mismatch(_ expected: String) -> DBusError {
        .typeMismatch(expected: expected, found: type.signature)
    }

    // MARK: Builders (keys sorted, so equal inputs give equal wire bytes)

    /// `a{sv}` from a dictionary; each value is wrapped in a variant.
    public static func propertyDictionary(_ properties: [String: DBusValue]) -> DBusValue {
        .dictionary(key: .string, value: .variant, entries: properties.sorted { $0.key < $1.key }.map {
            DBusDictionaryEntry(key: .string($0.key), value: .variant($0.value))
        })
    }

    /// `a{qv}` from a dictionary; each value is wrapped in a variant.
    public static func uint16VariantDictionary(_ values: [UInt16: DBusValue]) -> DBusValue {
        .dictionary(key: .uint16, value: .variant, entries: values.sorted { $0.key < $1.key }.map {
            DBusDictionaryEntry(key: .uint16($0.key), value: .variant($0.value))
        })
    }

    /// `a{sa{sv}}` from interface name to properties.
    public static func interfacesAndProperties(_ interfaces: [String: [String: DBusValue]]) -> DBusValue {
        .dictionary(key: .string, value: .dictionary(key: .string, value: .variant),
                    entries: interfaces.sorted { $0.key < $1.key }.map {
                        DBusDictionaryEntry(key: .string($0.key), value: .propertyDictionary($0.value))
                    })
    }

    /// `a{oa{sa{sv}}}` (a `GetManagedObjects` reply) from path to interface to properties.
    public static func managedObjects(_ objects: [DBusObjectPath: [String: [String: DBusValue]]]) -> DBusValue {
        .dictionary(key: .objectPath, value: .dictionary(key: .string, value: .dictionary(key: .string, value: .variant)),
                    entries: objects.sorted { $0.key < $1.key }.map {
                        DBusDictionaryEntry(key: .objectPath($0.key), value: .interfacesAndProperties($0.value))
                    })
    }

    /// `as`.
    public static func stringArray(_ strings: [String]) -> DBusValue {
        .array(element: .string, values: strings.map(DBusValue.string))
    }

    /// `ay`.
    public static func bytes(_ bytes: [UInt8]) -> DBusValue {
        .array(element: .byte, values: bytes.map(DBusValue.byte))
    }

    /// `ao`.
    public static func objectPathArray(_ paths: [DBusObjectPath]) -> DBusValue {
        .array(element: .objectPath, values: paths.map(DBusValue.objectPath))
    }
}
