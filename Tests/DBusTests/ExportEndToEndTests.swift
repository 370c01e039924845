import Testing
import TestSupport

@testable import DBus

/// Our exported objects on a private bus, checked with clients no one here wrote: busctl
/// (systemd), gdbus (GLib), dbus-send and dbus-monitor (libdbus's own tools).
@Suite("Export: end to end with busctl, gdbus, dbus-send, dbus-monitor", .serialized, .cleansUp)
struct ExportEndToEndTests {
    /// One exported echo object on a fresh private bus.
    struct Setup {
        let daemon: PrivateBus
        let connection: DBusConnection
        let server: DBusObjectServer
        let store: PropertyStore

        var address: String { daemon.address }
        var destination: String { connection.uniqueName }
        var path: String { Fixture.path.rawValue }

        /// `busctl --address=... ARGS`.
        func busctl(_ arguments: String...) async throws -> ToolResult {
            try await Tool.run("busctl", ["--address=\(address)"] + arguments).requireFinished()
        }

        /// `gdbus COMMAND --address ... ARGS`.
        func gdbus(_ command: String, _ arguments: String...) async throws -> ToolResult {
            try await Tool.run("gdbus", [command, "--address", address] + arguments).requireFinished()
        }

        /// `dbus-send --bus=... --print-reply --dest=... PATH ARGS` (`--address` would skip `Hello`).
        func dbusSend(_ arguments: String...) async throws -> ToolResult {
            try await Tool.run(
                "dbus-send", ["--bus=\(address)", "--print-reply", "--dest=\(destination)", path] + arguments).requireFinished()
        }
    }

    static let root = Fixture.path("/org/example")

    func withExportedEcho(_ body: (Setup) async throws -> Void) async throws {
        for tool in ["busctl", "gdbus", "dbus-send", "dbus-monitor"] {
            try #require(Tool.isInstalled(tool), "\(tool) is needed (see .ci/run)")
        }
        try await withPrivateBus { daemon in
            let connection = try await daemon.connect()
            defer { connection.close() }
            let server = DBusObjectServer(connection: connection)
            let store = Fixture.store()
            server.addObjectManager(at: Self.root)
            try server.register([Fixture.echoInterface(store: store)], at: Fixture.path)
            try await body(Setup(daemon: daemon, connection: connection, server: server, store: store))
        }
    }

    @Test(.timeLimit(.minutes(1))) func busctlIntrospectsTheObject() async throws {
        try await withExportedEcho { setup in
            let output = try await setup.busctl("introspect", setup.destination, setup.path)
            #expect(output.status == 0, "\(output)")
            let rows = output.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(rows.contains(["org.example.Echo1", "interface", "-", "-", "-"]), "\(output)")
            #expect(rows.contains([".Echo", "method", "s", "s", "-"]), "\(output)")
            #expect(rows.contains([".Fail", "method", "-", "-", "-"]), "\(output)")
            #expect(rows.contains([".Count", "property", "u", "7", "emits-change"]), "\(output)")
            #expect(rows.contains([".Name", "property", "s", "\"echo\"", "emits-change", "writable"]), "\(output)")
            #expect(rows.contains([".Cache", "property", "ay", "1", "1", "invalidates"]) || rows.contains { $0.first == ".Cache" && $0.contains("emits-invalidation") }, "\(output)")
            #expect(rows.contains([".Model", "property", "s", "\"E1\"", "const"]), "\(output)")
            #expect(rows.contains([".Ping", "signal", "s", "-", "-"]), "\(output)")
            #expect(rows.contains(["org.freedesktop.DBus.Properties", "interface", "-", "-", "-"]), "\(output)")
            #expect(rows.contains([".PropertiesChanged", "signal", "sa{sv}as", "-", "-"]), "\(output)")
        }
    }

    @Test(.timeLimit(.minutes(1))) func busctlCallsGetsAndSets() async throws {
        try await withExportedEcho { setup in
            let echo = try await setup.busctl("call", setup.destination, setup.path, Fixture.interfaceName, "Echo", "s", "hello")
            #expect(echo.status == 0 && echo.stdout == "s \"hello\"\n", "\(echo)")

            let count = try await setup.busctl("get-property", setup.destination, setup.path, Fixture.interfaceName, "Count")
            #expect(count.stdout == "u 7\n", "\(count)")

            let set = try await setup.busctl(
                "set-property", setup.destination, setup.path, Fixture.interfaceName, "Name", "s", "renamed")
            #expect(set.status == 0, "\(set)")
            #expect(setup.store["Name"] == .string("renamed"))
            let name = try await setup.busctl("get-property", setup.destination, setup.path, Fixture.interfaceName, "Name")
            #expect(name.stdout == "s \"renamed\"\n", "\(name)")

            let readOnly = try await setup.busctl(
                "set-property", setup.destination, setup.path, Fixture.interfaceName, "Count", "u", "1")
            #expect(readOnly.status != 0 && readOnly.stderr.contains("read-only"), "\(readOnly)")

            let failure = try await setup.busctl("call", setup.destination, setup.path, Fixture.interfaceName, "Fail")
            #expect(failure.status != 0 && failure.stderr.contains("refused on purpose"), "\(failure)")

            let wrong = try await setup.busctl("call", setup.destination, setup.path, Fixture.interfaceName, "Echo", "u", "1")
            #expect(wrong.status != 0 && wrong.stderr.contains("takes signature 's', got 'u'"), "\(wrong)")
        }
    }

    @Test(.timeLimit(.minutes(1))) func busctlWalksTheTreeAndReadsManagedObjects() async throws {
        try await withExportedEcho { setup in
            let tree = try await setup.busctl("tree", "--list", setup.destination)
            #expect(tree.status == 0, "\(tree)")
            #expect(
                tree.stdout.split(separator: "\n") == ["/", "/org", "/org/example", "/org/example/echo"], "\(tree)")

            let managed = try await setup.busctl(
                "call", setup.destination, Self.root.rawValue, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")
            #expect(managed.status == 0, "\(managed)")
            #expect(
                managed.stdout.hasPrefix(
                    "a{oa{sa{sv}}} 1 \"/org/example/echo\" 3 \"org.freedesktop.DBus.Introspectable\" 0 "
                        + "\"org.freedesktop.DBus.Properties\" 0 \"org.example.Echo1\" 5 "),
                "\(managed)")
            #expect(managed.stdout.contains("\"Count\" u 7"), "\(managed)")
        }
    }

    @Test(.timeLimit(.minutes(1))) func gdbusIntrospectsAndCalls() async throws {
        try await withExportedEcho { setup in
            let introspection = try await setup.gdbus(
                "introspect", "--dest", setup.destination, "--object-path", setup.path)
            #expect(introspection.status == 0, "\(introspection)")
            let lines = introspection.stdout.split(separator: "\n").map { $0.trimmingPrefix(while: \.isWhitespace) }
            #expect(lines.contains("interface org.example.Echo1 {"), "\(introspection)")
            #expect(lines.contains("Echo(in  s text,"), "\(introspection)")
            #expect(lines.contains("out s echoed);"), "\(introspection)")
            #expect(lines.contains("readwrite s Name = 'echo';"), "\(introspection)")
            #expect(lines.contains("readonly u Count = 7;"), "\(introspection)")
            #expect(lines.contains("writeonly s Secret;"), "\(introspection)")
            #expect(lines.contains("Ping(s text);"), "\(introspection)")

            let call = try await setup.gdbus(
                "call", "--dest", setup.destination, "--object-path", setup.path, "--method",
                "\(Fixture.interfaceName).Echo", "hi there")
            #expect(call.stdout == "('hi there',)\n", "\(call)")

            let failure = try await setup.gdbus(
                "call", "--dest", setup.destination, "--object-path", setup.path, "--method",
                "\(Fixture.interfaceName).Fail")
            #expect(failure.status != 0 && failure.stderr.contains("org.example.Error.Refused"), "\(failure)")

            let unknown = try await setup.gdbus(
                "call", "--dest", setup.destination, "--object-path", "/nowhere", "--method",
                "\(Fixture.interfaceName).Echo", "x")
            #expect(unknown.stderr.contains("org.freedesktop.DBus.Error.UnknownObject"), "\(unknown)")
        }
    }

    @Test(.timeLimit(.minutes(1))) func dbusSendCallsAndGets() async throws {
        try await withExportedEcho { setup in
            let echo = try await setup.dbusSend("\(Fixture.interfaceName).Echo", "string:ping")
            #expect(echo.status == 0, "\(echo)")
            #expect(echo.stdout.contains("   string \"ping\""), "\(echo)")

            let get = try await setup.dbusSend(
                "org.freedesktop.DBus.Properties.Get", "string:\(Fixture.interfaceName)", "string:Count")
            #expect(get.stdout.contains("variant       uint32 7"), "\(get)")

            let unknown = try await setup.dbusSend("\(Fixture.interfaceName).Nope")
            #expect(unknown.status != 0 && unknown.stderr.contains("org.freedesktop.DBus.Error.UnknownMethod"), "\(unknown)")
        }
    }

    @Test(.timeLimit(.minutes(1))) func dbusMonitorReceivesPropertiesChanged() async throws {
        try await withExportedEcho { setup in
            let monitor = try RunningTool.start(
                // Line-buffered: dbus-monitor writing to a file would hold output in a 4 KiB buffer.
                "stdbuf", ["-oL", "dbus-monitor", "--address", setup.address, "type='signal',sender='\(setup.destination)'"])
            var next: UInt32 = 8
            let seen = try await waitForOutput(of: monitor, poke: {
                setup.store.set("Count", .uint32(next))
                next += 1
                try setup.server.propertiesChanged(["Count", "Cache"], interface: Fixture.interfaceName, at: Fixture.path)
            }) { output in
                output.contains("path=/org/example/echo; interface=org.freedesktop.DBus.Properties; member=PropertiesChanged")
                    && output.contains("string \"Count\"") && output.contains("variant             uint32 ")
                    && output.contains("string \"Cache\"")
            }
            #expect(seen, "\(monitor.stdout.prefix(3000))")
        }
    }

    @Test(.timeLimit(.minutes(1))) func gdbusMonitorReceivesInterfacesAddedAndRemoved() async throws {
        try await withExportedEcho { setup in
            let monitor = try RunningTool.start("gdbus", ["monitor", "--address", setup.address, "--dest", setup.destination])
            let added = Fixture.path("/org/example/added")
            let seen = try await waitForOutput(of: monitor, poke: {
                if setup.server.registeredPaths.contains(added) {
                    try setup.server.unregisterObject(at: added)
                }
                try setup.server.register([DBusExportedInterface("org.example.Added1")], at: added)
            }) { output in
                // gdbus prints the first empty a{sv} with its type (`@a{sv} {}`).
                output.contains(
                    "/org/example: org.freedesktop.DBus.ObjectManager.InterfacesAdded (objectpath '/org/example/added', "
                        + "{'org.freedesktop.DBus.Introspectable': @a{sv} {}, 'org.freedesktop.DBus.Properties': {}, "
                        + "'org.example.Added1': {}})")
                    && output.contains(
                        "/org/example: org.freedesktop.DBus.ObjectManager.InterfacesRemoved (objectpath '/org/example/added', "
                            + "['org.freedesktop.DBus.Introspectable', 'org.freedesktop.DBus.Properties', 'org.example.Added1'])")
            }
            #expect(seen, "\(monitor.stdout.prefix(3000))")
        }
    }
}

/// Waits until `monitor`'s output satisfies `condition`, calling `poke` between looks (every
/// 100 ms); false when it still does not after `timeout`.
private func waitForOutput(
    of monitor: RunningTool, within timeout: Duration = .seconds(10), poke: () throws -> Void, until condition: (String) -> Bool
) async throws -> Bool {
    do {
        try await eventually("\(monitor.commandLine.joined(separator: " ")) to print what is awaited", within: timeout, every: .milliseconds(100)) {
            if condition(monitor.stdout) { return true }
            try poke()
            return false
        }
        return true
    } catch is TimedOut {
        return condition(monitor.stdout)
    }
}
