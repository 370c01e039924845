extension DBusObjectServer {
    /// Emits one `PropertiesChanged` signal for the properties `names` of `interface` at `path`,
    /// after the owner changed them. Each property goes where its `emitsChanged` says: with its
    /// current value (read through its getter), into the invalidated list, or nowhere. Several
    /// names make one batched signal; nothing is sent when no property emits.
    ///
    /// Throws `.unknownInterface` or `.unknownProperty` for names the object does not export,
    /// and whatever `send` throws.
    public func propertiesChanged(_ names: [String], interface: String, at path: DBusObjectPath) throws(DBusError) {
        guard let object = resolve(path), object.isObject, let exported = self.interface(named: interface, of: object) else {
            throw DBusError(.unknownInterface, message: "'\(interface)' is not exported at \(path)")
        }
        var changed: [DBusDictionaryEntry] = []
        var invalidated: [DBusValue] = []
        for name in names {
            guard let property = exported.property(named: name) else {
                throw DBusError(.unknownProperty, message: "'\(interface)' has no property '\(name)'")
            }
            switch property.emitsChanged {
            case .withValue:
                if let getter = property.getter, let value = try? getter(path) {
                    changed.append(DBusDictionaryEntry(key: .string(name), value: .variant(value)))
                } else {
                    invalidated.append(.string(name))
                }
            case .invalidates:
                invalidated.append(.string(name))
            case .constant, .never:
                continue
            }
        }
        guard !changed.isEmpty || !invalidated.isEmpty else { return }
        try sendMessage(
            .signal(
                path: path, interface: StandardInterfaceName.properties, member: "PropertiesChanged",
                body: [
                    .string(interface),
                    .dictionary(key: .string, value: .variant, entries: changed),
                    .array(element: .string, values: invalidated),
                ]))
    }

    /// `Properties.Get`: the value of `name`, searching every interface when `interface` is empty.
    func propertyValue(_ name: String, interface: String, at path: DBusObjectPath) throws(DBusError) -> DBusValue {
        let property = try findProperty(name, interface: interface, at: path)
        guard let getter = property.getter else {
            throw DBusError(.accessDenied, message: "Property '\(name)' is write-only")
        }
        let value = try getter(path)
        guard value.type == property.type else {
            throw DBusError(.failed, message: "Property '\(name)' has type '\(property.type.signature)', getter returned '\(value.type.signature)'")
        }
        return value
    }

    /// `Properties.GetAll`: `a{sv}` of the readable properties of `interface`, or of every
    /// interface when `interface` is empty.
    func allPropertyValues(interface: String, at path: DBusObjectPath) throws(DBusError) -> DBusValue {
        guard let object = resolve(path), object.isObject else {
            throw DBusError(.unknownObject, message: "No such object path '\(path)'")
        }
        let interfaces: [DBusExportedInterface]
        if interface.isEmpty {
            interfaces = object.userInterfaces
        } else {
            guard let exported = self.interface(named: interface, of: object) else {
                throw DBusError(.unknownInterface, message: "No such interface '\(interface)' at object path '\(path)'")
            }
            interfaces = [exported]
        }
        return Self.propertyDictionary(interfaces.flatMap(\.properties), at: path)
    }

    /// `Properties.Set`: type-checks `value`, runs the setter, then emits `PropertiesChanged`
    /// as the property's `emitsChanged` says.
    func setPropertyValue(
        _ name: String, interface: String, to value: DBusValue, at path: DBusObjectPath
    ) async throws(DBusError) {
        let property = try findProperty(name, interface: interface, at: path)
        guard let setter = property.setter else {
            throw DBusError(.propertyReadOnly, message: "Property '\(name)' is read-only")
        }
        guard value.type == property.type else {
            throw DBusError(
                .invalidArguments,
                message: "Property '\(name)' has type '\(property.type.signature)', got '\(value.type.signature)'")
        }
        try await setter(path, value)
        let owner = interface.isEmpty ? try owningInterface(of: name, at: path) : interface
        try? propertiesChanged([name], interface: owner, at: path)
    }

    /// `a{sv}` of the readable properties among `properties`; a getter that throws hides its property.
    static func propertyDictionary(_ properties: [DBusExportedProperty], at path: DBusObjectPath) -> DBusValue {
        let entries = properties.compactMap { property -> DBusDictionaryEntry? in
            guard let getter = property.getter, let value = try? getter(path), value.type == property.type else {
                return nil
            }
            return DBusDictionaryEntry(key: .string(property.name), value: .variant(value))
        }
        return .dictionary(key: .string, value: .variant, entries: entries)
    }

    private func findProperty(_ name: String, interface: String, at path: DBusObjectPath) throws(DBusError) -> DBusExportedProperty {
        guard let object = resolve(path), object.isObject else {
            throw DBusError(.unknownObject, message: "No such object path '\(path)'")
        }
        if interface.isEmpty {
            guard let property = object.userInterfaces.lazy.compactMap({ $0.property(named: name) }).first else {
                throw DBusError(.unknownProperty, message: "No such property '\(name)' at object path '\(path)'")
            }
            return property
        }
        guard let exported = self.interface(named: interface, of: object) else {
            throw DBusError(.unknownInterface, message: "No such interface '\(interface)' at object path '\(path)'")
        }
        guard let property = exported.property(named: name) else {
            throw DBusError(.unknownProperty, message: "No such property '\(name)' in interface '\(interface)'")
        }
        return property
    }

    private func owningInterface(of name: String, at path: DBusObjectPath) throws(DBusError) -> String {
        guard let owner = resolve(path)?.userInterfaces.first(where: { $0.property(named: name) != nil }) else {
            throw DBusError(.unknownProperty, message: "No such property '\(name)' at object path '\(path)'")
        }
        return owner.name
    }
}
