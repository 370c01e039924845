/// One argument of an exported method or signal: its type and, for introspection, its name.
public struct DBusArgument: Sendable, Hashable {
    /// The name shown in introspection XML; `nil` leaves the name out.
    public var name: String?
    /// The argument's complete type.
    public var type: DBusType

    /// An argument named `name` of type `type`.
    public init(_ name: String?, _ type: DBusType) {
        self.name = name
        self.type = type
    }
}
