import DBus

/// A private bus daemon and helpers for tests; nothing touches the machine's buses.
func withPrivateBus<T>(_ body: (PrivateBusDaemon) async throws -> T) async throws -> T {
    let daemon = try PrivateBusDaemon()
    defer { daemon.stop() }
    return try await body(daemon)
}

extension PrivateBusDaemon {
    /// Opens a connection to this bus.
    func connect() async throws -> DBusConnection {
        try await DBusConnection.open(.address(address), timeout: .seconds(30))
    }
}

/// A method call to the bus daemon itself.
func busMethod(_ member: String, _ body: [DBusValue] = []) -> DBusMessage {
    .methodCall(destination: "org.freedesktop.DBus", path: try! DBusObjectPath("/org/freedesktop/DBus"),
                interface: "org.freedesktop.DBus", member: member, body: body)
}
