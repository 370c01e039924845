/// A fallback registration: one handler serves every object path at or below a root, deciding
/// per path which interfaces live there. Useful when objects are many or come and go with state
/// the owner already keeps.
///
/// Both closures run outside the object server's lock, so they may call back into the server.
/// Objects in a subtree are not listed by `GetManagedObjects`.
public struct DBusSubtree: Sendable {
    /// The interfaces of the object at a path at or below the root, or `nil` when no object lives there.
    public var interfaces: @Sendable (DBusObjectPath) -> [DBusExportedInterface]?
    /// The names of the child nodes directly below a path, for introspection.
    public var children: @Sendable (DBusObjectPath) -> [String]

    /// A subtree that resolves paths with `interfaces` and lists child nodes with `children`.
    public init(
        interfaces: @escaping @Sendable (DBusObjectPath) -> [DBusExportedInterface]?,
        children: @escaping @Sendable (DBusObjectPath) -> [String] = { _ in [] }
    ) {
        self.interfaces = interfaces
        self.children = children
    }
}
