import DBus

/// The echo object both clients call: `org.example.Echo1.Echo(s) -> s` at `/org/example/echo`,
/// served by our `DBusObjectServer`.
enum EchoServer {
    /// `/org/example/echo`.
    static func path() throws(DBusError) -> DBusObjectPath {
        try DBusObjectPath("/org/example/echo")
    }

    /// The echo interface's name.
    static let interface = "org.example.Echo1"

    /// Exports the echo object on a new connection to `address`, owns `name`, and serves until
    /// the connection ends.
    static func run(address: String, name: String) async throws(DBusError) {
        let connection = try await DBusConnection.open(.address(address))
        let server = DBusObjectServer(connection: connection)
        try server.register(
            [
                DBusExportedInterface(
                    interface,
                    methods: [
                        DBusExportedMethod(
                            "Echo", inputs: [DBusArgument("text", .string)], outputs: [DBusArgument("text", .string)]
                        ) { call in call.arguments }
                    ])
            ], at: try path())
        guard try await connection.requestName(name, flags: .doNotQueue, timeout: .seconds(5)) == .primaryOwner else {
            throw DBusError(.failed, message: "could not become the primary owner of \(name)")
        }
        _ = await connection.waitUntilClosed()
    }
}
