/// A method call handed to an exported method's handler: the call message and the object it
/// reached (which, for a subtree registration, is any path below the subtree's root).
public struct DBusMethodInvocation: Sendable {
    /// The incoming call, with its sender, serial and body.
    public let message: DBusMessage
    /// The object path the call addressed.
    public let path: DBusObjectPath

    /// An invocation of `message` on the object at `path`.
    public init(message: DBusMessage, path: DBusObjectPath) {
        self.message = message
        self.path = path
    }

    /// The call's arguments; their signature already matches the method's inputs.
    public var arguments: [DBusValue] { message.body }

    /// The unique bus name of the caller, when the bus set one.
    public var sender: String? { message.sender }
}
