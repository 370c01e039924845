/// A signal an exported interface may emit, described for introspection and for checking the
/// body of emitted signals.
public struct DBusExportedSignal: Sendable, Hashable {
    /// The member name, e.g. `PropertiesChanged`.
    public var name: String
    /// The signal's arguments, in order.
    public var arguments: [DBusArgument]
    /// Introspection annotations.
    public var annotations: [DBusAnnotation]

    /// A signal `name` carrying `arguments`.
    public init(_ name: String, arguments: [DBusArgument] = [], annotations: [DBusAnnotation] = []) {
        self.name = name
        self.arguments = arguments
        self.annotations = annotations
    }

    /// The signature of the signal's body.
    public var signature: DBusSignature { DBusSignature(arguments.map(\.type)) }
}
