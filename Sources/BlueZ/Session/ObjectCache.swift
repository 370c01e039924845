import DBus

/// org.bluez's objects as last seen: path to interface to properties (variants unwrapped).
///
/// A pure value: the session feeds it signals and snapshots and forwards the events it returns.
struct ObjectCache: Sendable {
    private(set) var objects: [DBusObjectPath: [String: [String: DBusValue]]] = [:]

    /// Replaces everything with a `GetManagedObjects` snapshot; returns the events that turn
    /// the old contents into the new (removals first, then additions and property changes).
    mutating func replace(with snapshot: [DBusObjectPath: [String: [String: DBusValue]]]) -> [BlueZEvent] {
        var events: [BlueZEvent] = []
        for (path, interfaces) in objects.sorted(by: { $0.key > $1.key }) {
            let gone = interfaces.keys.filter { snapshot[path]?[$0] == nil }
            if !gone.isEmpty { events.append(.interfacesRemoved(path, gone.sorted())) }
        }
        for (path, interfaces) in snapshot.sorted(by: { $0.key < $1.key }) {
            var added: [String: [String: DBusValue]] = [:]
            for (interface, properties) in interfaces {
                if let old = objects[path]?[interface] {
                    if old != properties {
                        let invalidated = old.keys.filter { properties[$0] == nil }.sorted()
                        events.append(.propertiesChanged(path, interface: interface, changed: properties, invalidated: invalidated))
                    }
                } else {
                    added[interface] = properties
                }
            }
            if !added.isEmpty { events.append(.interfacesAdded(path, added)) }
        }
        objects = snapshot
        return events
    }

    /// Drops every object (bluetoothd left the bus).
    mutating func removeAll() {
        objects.removeAll()
    }

    /// Applies one signal from org.bluez; returns the event to route, or nil for signals that
    /// are not ObjectManager/PropertiesChanged or do not parse.
    mutating func apply(_ signal: DBusMessage) -> BlueZEvent? {
        switch (signal.interface, signal.member) {
        case (BlueZInterface.objectManager, "InterfacesAdded"):
            guard signal.body.count == 2, let path = signal.body[0].objectPath,
                let interfaces = try? signal.body[1].interfacesAndProperties()
            else { return nil }
            for (interface, properties) in interfaces {
                objects[path, default: [:]][interface, default: [:]].merge(properties) { $1 }
            }
            return .interfacesAdded(path, interfaces)
        case (BlueZInterface.objectManager, "InterfacesRemoved"):
            guard signal.body.count == 2, let path = signal.body[0].objectPath,
                let names = try? signal.body[1].stringArray()
            else { return nil }
            for name in names { objects[path]?[name] = nil }
            if objects[path]?.isEmpty == true { objects[path] = nil }
            return .interfacesRemoved(path, names)
        case (BlueZInterface.properties, "PropertiesChanged"):
            guard signal.body.count == 3, let path = signal.path, let interface = signal.body[0].string,
                let changed = try? signal.body[1].propertyDictionary(),
                let invalidated = try? signal.body[2].stringArray()
            else { return nil }
            if objects[path]?[interface] != nil {
                objects[path]?[interface]?.merge(changed) { $1 }
                for name in invalidated { objects[path]?[interface]?[name] = nil }
            }
            return .propertiesChanged(path, interface: interface, changed: changed, invalidated: invalidated)
        default:
            return nil
        }
    }

    /// The properties of `interface` at `path`, if the object exports it.
    func properties(of interface: String, at path: DBusObjectPath) -> [String: DBusValue]? {
        objects[path]?[interface]
    }

    /// Every object exporting `interface`, sorted by path, optionally only below `ancestor`.
    func objects(with interface: String, under ancestor: DBusObjectPath? = nil) -> [(DBusObjectPath, [String: DBusValue])] {
        objects.compactMap { path, interfaces -> (DBusObjectPath, [String: DBusValue])? in
            guard let properties = interfaces[interface] else { return nil }
            if let ancestor, !path.isDescendant(of: ancestor) { return nil }
            return (path, properties)
        }.sorted { $0.0 < $1.0 }
    }
}
