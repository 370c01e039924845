extension DBusObjectServer {
    /// `GetManagedObjects` of the manager at `root`: `a{oa{sa{sv}}}` with every registered object
    /// below it, each listing the standard interfaces (empty dictionaries, as BlueZ does) and
    /// its own interfaces with their readable properties.
    func managedObjects(by root: DBusObjectPath) -> DBusValue {
        let objects = registry.withLock { $0.managedObjects(by: root) }
        let entries = objects.map { path, interfaces in
            let all = standardInterfaces(for: path, isManager: isObjectManager(path)) + interfaces
            return DBusDictionaryEntry(key: .objectPath(path), value: Self.interfacesAndProperties(all, at: path))
        }
        return .dictionary(key: .objectPath, value: .interfacesAndProperties, entries: entries)
    }

    /// `a{sa{sv}}` for `interfaces` at `path`.
    static func interfacesAndProperties(_ interfaces: [DBusExportedInterface], at path: DBusObjectPath) -> DBusValue {
        .dictionary(
            key: .string, value: .propertyDictionary,
            entries: interfaces.map {
                DBusDictionaryEntry(key: .string($0.name), value: propertyDictionary($0.properties, at: path))
            })
    }

    func emitInterfacesAdded(
        path: DBusObjectPath, interfaces: [DBusExportedInterface], manager: DBusObjectPath
    ) throws(DBusError) {
        try sendMessage(
            .signal(
                path: manager, interface: StandardInterfaceName.objectManager, member: "InterfacesAdded",
                body: [.objectPath(path), Self.interfacesAndProperties(interfaces, at: path)]))
    }

    func emitInterfacesRemoved(path: DBusObjectPath, names: [String], manager: DBusObjectPath) throws(DBusError) {
        try sendMessage(
            .signal(
                path: manager, interface: StandardInterfaceName.objectManager, member: "InterfacesRemoved",
                body: [.objectPath(path), .array(element: .string, values: names.map(DBusValue.string))]))
    }
}
