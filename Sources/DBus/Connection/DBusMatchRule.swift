/// A D-Bus match rule for signals: the bus routes signals that match it to us, and the
/// connection filters locally by the same rule so each stream sees only its own signals.
///
/// Unset fields match anything. `arguments[n]` matches a string argument `n` exactly (`argN`).
public struct DBusMatchRule: Sendable, Hashable, CustomStringConvertible {
    /// The sending bus name (unique, or well-known: the connection then tracks its owner).
    public var sender: String?
    /// The exact object path.
    public var path: DBusObjectPath?
    /// Matches `pathNamespace` itself and every path below it.
    public var pathNamespace: DBusObjectPath?
    public var interface: String?
    public var member: String?
    /// The destination (our unique name, for unicast signals).
    public var destination: String?
    /// String arguments by index (0...63) that must be equal.
    public var arguments: [Int: String]

    public init(
        sender: String? = nil, path: DBusObjectPath? = nil, pathNamespace: DBusObjectPath? = nil,
        interface: String? = nil, member: String? = nil, destination: String? = nil, arguments: [Int: String] = [:]
    ) {
        self.sender = sender
        self.path = path
        self.pathNamespace = pathNamespace
        self.interface = interface
        self.member = member
        self.destination = destination
        self.arguments = arguments
    }

    /// The rule text for `AddMatch`/`RemoveMatch`, e.g. `type='signal',interface='org.bluez.Device1'`.
    /// Keys come in a fixed order so equal rules have equal text (the reference-count key).
    public var text: String {
        var parts = ["type='signal'"]
        func add(_ key: String, _ value: String?) {
            if let value { parts.append("\(key)=\(Self.quote(value))") }
        }
        add("sender", sender)
        add("path", path?.rawValue)
        add("path_namespace", pathNamespace?.rawValue)
        add("interface", interface)
        add("member", member)
        add("destination", destination)
        for (index, value) in arguments.sorted(by: { $0.key < $1.key }) {
            add("arg\(index)", value)
        }
        return parts.joined(separator: ",")
    }

    public var description: String { text }

    /// Throws `.invalidArguments` for invalid names, both `path` and `pathNamespace`, argument
    /// indices outside 0...63 or argument values with a NUL byte.
    public func validate() throws(DBusError) {
        if let sender { try DBusNames.validateBusName(sender) }
        if let interface { try DBusNames.validateInterfaceName(interface) }
        if let member { try DBusNames.validateMemberName(member) }
        if let destination { try DBusNames.validateBusName(destination) }
        if path != nil, pathNamespace != nil {
            throw DBusError(.invalidArguments, message: "a match rule cannot have both path and path_namespace")
        }
        for (index, value) in arguments {
            guard (0...63).contains(index) else {
                throw DBusError(.invalidArguments, message: "match rule argument index \(index) outside 0...63")
            }
            guard !value.utf8.contains(0) else {
                throw DBusError(.invalidArguments, message: "match rule argument contains a NUL byte")
            }
        }
    }

    /// True if `message` is a signal this rule admits. `senderOwner` is the current unique name
    /// of a well-known `sender`, when the connection knows it.
    public func matches(_ message: DBusMessage, senderOwner: String? = nil) -> Bool {
        guard message.kind == .signal else { return false }
        if let sender, message.sender != sender, message.sender == nil || message.sender != senderOwner { return false }
        if let path, message.path != path { return false }
        if let pathNamespace {
            guard let messagePath = message.path, messagePath.isDescendant(of: pathNamespace) else { return false }
        }
        if let interface, message.interface != interface { return false }
        if let member, message.member != member { return false }
        if let destination, message.destination != destination { return false }
        for (index, value) in arguments {
            guard index < message.body.count, case .string(let argument) = message.body[index], argument == value else {
                return false
            }
        }
        return true
    }

    /// Quotes a value the way the match rule grammar wants: inside apostrophes, and an
    /// apostrophe itself as `'\''`.
    static func quote(_ value: String) -> String {
        "'" + value.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
