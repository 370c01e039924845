import DBus

/// A change of org.bluez's object tree, as the session's router delivers it.
public enum BlueZEvent: Sendable, Hashable {
    /// An object gained interfaces (new adapter, device, GATT object), with their properties.
    case interfacesAdded(DBusObjectPath, [String: [String: DBusValue]])
    /// An object lost interfaces; when it has none left it is gone.
    case interfacesRemoved(DBusObjectPath, [String])
    /// Properties of one interface changed (`changed` holds new values, `invalidated` the names
    /// whose values BlueZ dropped).
    case propertiesChanged(DBusObjectPath, interface: String, changed: [String: DBusValue], invalidated: [String])
    /// bluetoothd left the bus: every cached object was dropped.
    case bluetoothdStopped
    /// bluetoothd (re)appeared and the cache was re-synced from its GetManagedObjects.
    case bluetoothdStarted

    /// The object the event is about; nil for the bluetoothd events, which concern every object.
    public var path: DBusObjectPath? {
        switch self {
        case .interfacesAdded(let path, _), .interfacesRemoved(let path, _): path
        case .propertiesChanged(let path, _, _, _): path
        case .bluetoothdStopped, .bluetoothdStarted: nil
        }
    }
}
