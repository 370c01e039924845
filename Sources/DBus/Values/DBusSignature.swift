/// A D-Bus signature: a sequence of complete types (a message body, or the type of a variant).
public struct DBusSignature: Sendable, Hashable, CustomStringConvertible {
    /// The complete types in order.
    public let types: [DBusType]

    public init(_ types: [DBusType]) {
        self.types = types
    }

    /// The signature text, e.g. `oa{sa{sv}}`.
    public var rawValue: String { types.map(\.signature).joined() }

    public var description: String { rawValue }
}
