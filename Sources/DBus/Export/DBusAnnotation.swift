/// An introspection annotation such as `org.freedesktop.DBus.Deprecated = true`.
public struct DBusAnnotation: Sendable, Hashable {
    /// The annotation name, e.g. `org.freedesktop.DBus.Deprecated`.
    public var name: String
    /// The annotation value, e.g. `true`.
    public var value: String

    /// An annotation `name` with `value`.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// `org.freedesktop.DBus.Deprecated = true`.
    public static let deprecated = DBusAnnotation("org.freedesktop.DBus.Deprecated", "true")

    /// `org.freedesktop.DBus.Method.NoReply = true`: callers need not wait for a reply.
    public static let noReply = DBusAnnotation("org.freedesktop.DBus.Method.NoReply", "true")
}
