/// The one error type of the D-Bus layer: a switchable `kind`, the D-Bus error `name` it maps to
/// on the wire, and a human-readable message (never a secret: callers must not put one there).
///
/// An error reply received from a peer becomes a `DBusError` whose `name` is the peer's error
/// name; its kind is the matching standard kind, or `.remote` for names this layer does not
/// know (higher layers such as BlueZ map those to their own errors).
public struct DBusError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for code to switch on.
    public enum Kind: Sendable, Hashable {
        /// Could not open or authenticate the connection.
        case connectionFailed
        /// The connection closed; pending calls fail with this.
        case disconnected
        /// A call or wait passed its deadline.
        case timedOut
        /// The awaiting Task was cancelled.
        case cancelled
        /// An error reply with a name this layer does not map.
        case remote
        case serviceUnknown
        case nameHasNoOwner
        case unknownObject
        case unknownInterface
        case unknownMethod
        case unknownProperty
        case propertyReadOnly
        case accessDenied
        /// Arguments with the wrong signature or values.
        case invalidArguments
        /// A decoded value did not have the expected shape.
        case typeMismatch
        case invalidSignature
        case invalidObjectPath
        /// A message that cannot be parsed or built.
        case malformedMessage
        case noMemory
        /// Any other failure.
        case failed
    }

    public var kind: Kind
    /// The D-Bus error name, e.g. `org.freedesktop.DBus.Error.UnknownMethod`.
    public var name: String
    public var message: String

    /// An error of `kind` with its standard D-Bus name.
    public init(_ kind: Kind, message: String) {
        self.kind = kind
        self.name = Self.standardName(for: kind)
        self.message = message
    }

    /// The error carried by an error reply named `name`.
    public init(errorName name: String, message: String) {
        self.kind = Self.standardKinds[name] ?? .remote
        self.name = name
        self.message = message
    }

    public var description: String { "\(name): \(message)" }

    static func standardName(for kind: Kind) -> String {
        let prefix = "org.freedesktop.DBus.Error."
        switch kind {
        case .connectionFailed: return prefix + "NoServer"
        case .disconnected: return prefix + "Disconnected"
        case .timedOut: return prefix + "Timeout"
        case .cancelled: return "org.freedesktop.DBus.Error.Cancelled"
        case .remote, .failed: return prefix + "Failed"
        case .serviceUnknown: return prefix + "ServiceUnknown"
        case .nameHasNoOwner: return prefix + "NameHasNoOwner"
        case .unknownObject: return prefix + "UnknownObject"
        case .unknownInterface: return prefix + "UnknownInterface"
        case .unknownMethod: return prefix + "UnknownMethod"
        case .unknownProperty: return prefix + "UnknownProperty"
        case .propertyReadOnly: return prefix + "PropertyReadOnly"
        case .accessDenied: return prefix + "AccessDenied"
        case .invalidArguments, .typeMismatch: return prefix + "InvalidArgs"
        case .invalidSignature: return prefix + "InvalidSignature"
        case .invalidObjectPath: return prefix + "InvalidArgs"
        case .malformedMessage: return prefix + "InconsistentMessage"
        case .noMemory: return prefix + "NoMemory"
        }
    }

    static let standardKinds: [String: Kind] = {
        let prefix = "org.freedesktop.DBus.Error."
        return [
            prefix + "NoServer": .connectionFailed,
            prefix + "Disconnected": .disconnected,
            prefix + "Timeout": .timedOut,
            prefix + "NoReply": .timedOut,
            prefix + "TimedOut": .timedOut,
            prefix + "ServiceUnknown": .serviceUnknown,
            prefix + "NameHasNoOwner": .nameHasNoOwner,
            prefix + "UnknownObject": .unknownObject,
            prefix + "UnknownInterface": .unknownInterface,
            prefix + "UnknownMethod": .unknownMethod,
            prefix + "UnknownProperty": .unknownProperty,
            prefix + "PropertyReadOnly": .propertyReadOnly,
            prefix + "AccessDenied": .accessDenied,
            prefix + "InvalidArgs": .invalidArguments,
            prefix + "InvalidSignature": .invalidSignature,
            prefix + "InconsistentMessage": .malformedMessage,
            prefix + "NoMemory": .noMemory,
            prefix + "Failed": .failed,
        ]
    }()
}
