import DBus

/// A method call to the bus daemon itself.
func busMethod(_ member: String, _ body: [DBusValue] = []) -> DBusMessage {
    .methodCall(destination: "org.freedesktop.DBus", path: try! DBusObjectPath("/org/freedesktop/DBus"),
                interface: "org.freedesktop.DBus", member: member, body: body)
}
