/// A D-Bus message as a Sendable value: header fields and a body of values.
///
/// The connection converts it to and from libdbus's `DBusMessage` at the edge; nothing above
/// the connection touches libdbus.
public struct DBusMessage: Sendable, Hashable {
    /// The four D-Bus message types.
    public enum Kind: Sendable, Hashable {
        case methodCall
        case methodReturn
        case error
        case signal
    }

    public var kind: Kind
    public var path: DBusObjectPath?
    public var interface: String?
    public var member: String?
    /// Set on `.error` messages: the D-Bus error name.
    public var errorName: String?
    public var destination: String?
    /// Set by the bus on received messages.
    public var sender: String?
    /// Set when the message is sent or received; 0 before.
    public var serial: UInt32
    /// Set on replies: the serial of the call they answer.
    public var replySerial: UInt32?
    public var noReplyExpected: Bool
    public var body: [DBusValue]

    public init(
        kind: Kind,
        path: DBusObjectPath? = nil,
        interface: String? = nil,
        member: String? = nil,
        errorName: String? = nil,
        destination: String? = nil,
        sender: String? = nil,
        serial: UInt32 = 0,
        replySerial: UInt32? = nil,
        noReplyExpected: Bool = false,
        body: [DBusValue] = []
    ) {
        self.kind = kind
        self.path = path
        self.interface = interface
        self.member = member
        self.errorName = errorName
        self.destination = destination
        self.sender = sender
        self.serial = serial
        self.replySerial = replySerial
        self.noReplyExpected = noReplyExpected
        self.body = body
    }

    /// The body's signature.
    public var signature: DBusSignature { DBusSignature(body.map(\.type)) }

    /// A method call.
    public static func methodCall(
        destination: String?, path: DBusObjectPath, interface: String?, member: String,
        body: [DBusValue] = []
    ) -> DBusMessage {
        DBusMessage(
            kind: .methodCall, path: path, interface: interface, member: member,
            destination: destination, body: body)
    }

    /// A signal.
    public static func signal(
        path: DBusObjectPath, interface: String, member: String, destination: String? = nil,
        body: [DBusValue] = []
    ) -> DBusMessage {
        DBusMessage(
            kind: .signal, path: path, interface: interface, member: member,
            destination: destination, body: body)
    }

    /// The successful reply to `call`.
    public static func methodReturn(replyingTo call: DBusMessage, body: [DBusValue] = []) -> DBusMessage {
        DBusMessage(
            kind: .methodReturn, destination: call.sender, replySerial: call.serial, body: body)
    }

    /// The error reply to `call` carrying `error`'s D-Bus name and message.
    public static func errorReply(replyingTo call: DBusMessage, error: DBusError) -> DBusMessage {
        DBusMessage(
            kind: .error, errorName: error.name, destination: call.sender,
            replySerial: call.serial, body: [.string(error.message)])
    }
}
