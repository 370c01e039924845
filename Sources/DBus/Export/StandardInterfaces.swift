/// Names of the standard interfaces the object server implements itself.
enum StandardInterfaceName {
    static let introspectable = "org.freedesktop.DBus.Introspectable"
    static let properties = "org.freedesktop.DBus.Properties"
    static let objectManager = "org.freedesktop.DBus.ObjectManager"
    /// Answered by libdbus itself on every connection; reserved so no one exports it.
    static let peer = "org.freedesktop.DBus.Peer"

    /// Names that cannot be registered by users.
    static let provided: Set<String> = [introspectable, properties, objectManager, peer]
}

/// Shapes of the standard interfaces' arguments.
extension DBusType {
    /// `a{sv}`: a property dictionary.
    static let propertyDictionary = DBusType.dictionary(key: .string, value: .variant)
    /// `a{sa{sv}}`: interfaces with their properties.
    static let interfacesAndProperties = DBusType.dictionary(key: .string, value: .propertyDictionary)
    /// `a{oa{sa{sv}}}`: the reply of `GetManagedObjects`.
    static let managedObjects = DBusType.dictionary(key: .objectPath, value: .interfacesAndProperties)
}

extension DBusObjectServer {
    /// The standard interfaces every object at `path` has, in the order BlueZ lists them:
    /// Introspectable, Properties, and ObjectManager at a manager root.
    func standardInterfaces(for path: DBusObjectPath, isManager: Bool) -> [DBusExportedInterface] {
        var interfaces = [introspectableInterface, propertiesInterface]
        if isManager {
            interfaces.append(objectManagerInterface)
        }
        return interfaces
    }

    /// The names of `standardInterfaces(for:isManager:)`.
    func standardInterfaceNames(for path: DBusObjectPath) -> [String] {
        var names = [StandardInterfaceName.introspectable, StandardInterfaceName.properties]
        if isObjectManager(path) {
            names.append(StandardInterfaceName.objectManager)
        }
        return names
    }

    var introspectableInterface: DBusExportedInterface {
        DBusExportedInterface(
            StandardInterfaceName.introspectable,
            methods: [
                DBusExportedMethod("Introspect", outputs: [DBusArgument("xml_data", .string)]) {
                    (call) throws(DBusError) in
                    [.string(try self.introspect(call.path))]
                }
            ])
    }

    var propertiesInterface: DBusExportedInterface {
        DBusExportedInterface(
            StandardInterfaceName.properties,
            methods: [
                DBusExportedMethod(
                    "Get",
                    inputs: [DBusArgument("interface_name", .string), DBusArgument("property_name", .string)],
                    outputs: [DBusArgument("value", .variant)]
                ) { (call) throws(DBusError) in
                    guard case .string(let interface) = call.arguments[0],
                        case .string(let name) = call.arguments[1]
                    else { throw DBusError(.invalidArguments, message: "unexpected arguments") }
                    return [.variant(try self.propertyValue(name, interface: interface, at: call.path))]
                },
                DBusExportedMethod(
                    "GetAll",
                    inputs: [DBusArgument("interface_name", .string)],
                    outputs: [DBusArgument("properties", .propertyDictionary)]
                ) { (call) throws(DBusError) in
                    guard case .string(let interface) = call.arguments[0] else { throw DBusError(.invalidArguments, message: "unexpected arguments") }
                    return [try self.allPropertyValues(interface: interface, at: call.path)]
                },
                DBusExportedMethod(
                    "Set",
                    inputs: [
                        DBusArgument("interface_name", .string), DBusArgument("property_name", .string),
                        DBusArgument("value", .variant),
                    ]
                ) { (call) throws(DBusError) in
                    guard case .string(let interface) = call.arguments[0],
                        case .string(let name) = call.arguments[1],
                        case .variant(let value) = call.arguments[2]
                    else { throw DBusError(.invalidArguments, message: "unexpected arguments") }
                    try await self.setPropertyValue(name, interface: interface, to: value, at: call.path)
                    return []
                },
            ],
            signals: [
                DBusExportedSignal(
                    "PropertiesChanged",
                    arguments: [
                        DBusArgument("interface_name", .string),
                        DBusArgument("changed_properties", .propertyDictionary),
                        DBusArgument("invalidated_properties", .array(.string)),
                    ])
            ])
    }

    var objectManagerInterface: DBusExportedInterface {
        DBusExportedInterface(
            StandardInterfaceName.objectManager,
            methods: [
                DBusExportedMethod(
                    "GetManagedObjects",
                    outputs: [DBusArgument("objpath_interfaces_and_properties", .managedObjects)]
                ) { (call) throws(DBusError) in
                    [self.managedObjects(by: call.path)]
                }
            ],
            signals: [
                DBusExportedSignal(
                    "InterfacesAdded",
                    arguments: [
                        DBusArgument("object_path", .objectPath),
                        DBusArgument("interfaces_and_properties", .interfacesAndProperties),
                    ]),
                DBusExportedSignal(
                    "InterfacesRemoved",
                    arguments: [
                        DBusArgument("object_path", .objectPath),
                        DBusArgument("interfaces", .array(.string)),
                    ]),
            ])
    }
}
