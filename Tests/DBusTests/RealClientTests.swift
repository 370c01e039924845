import Foundation
import Testing
import DBus
import TestSupport

/// Cross-checks with clients no one here wrote: busctl (systemd) and dbus-monitor/dbus-send.
@Suite(.cleansUp) struct RealClientTests {
    @Test func busctlCallsAMethodAnsweredByTheHandler() async throws {
        try await withPrivateBus { bus in
            let server = try await bus.connect()
            defer { server.close() }
            #expect(try await server.requestName("org.example.Cross") == .primaryOwner)
            server.setMethodCallHandler { [weak server] call in
                guard let server else { return }
                if call.member == "Greet", case .string(let who)? = call.body.first {
                    _ = try? server.send(.methodReturn(replyingTo: call, body: [.string("hello, \(who)"), .uint32(7)]))
                } else {
                    _ = try? server.send(.errorReply(replyingTo: call, error: DBusError(.unknownMethod, message: "no such method")))
                }
            }
            let greet = try await runTool(["busctl", "--address=\(bus.address)", "call", "org.example.Cross", "/org/example/Cross",
                "org.example.Cross", "Greet", "s", "world"])
            #expect(greet.status == 0)
            #expect(greet.output.trimmingCharacters(in: .whitespacesAndNewlines) == "su \"hello, world\" 7")
            let unknown = try await runTool(["dbus-send", "--bus=\(bus.address)", "--print-reply", "--dest=org.example.Cross", "/org/example/Cross",
                "org.example.Cross.Missing"])
            #expect(unknown.status != 0)
            #expect(unknown.output.contains("org.freedesktop.DBus.Error.UnknownMethod"))
            server.setMethodCallHandler(nil)
            let noHandler = try await runTool(["dbus-send", "--bus=\(bus.address)", "--print-reply", "--dest=org.example.Cross", "/nothing",
                "org.example.Cross.Greet", "string:x"])
            #expect(noHandler.output.contains("org.freedesktop.DBus.Error.UnknownObject"))
            let ping = try await runTool(["busctl", "--address=\(bus.address)", "call", "org.example.Cross", "/", "org.freedesktop.DBus.Peer", "Ping"])
            #expect(ping.status == 0)
        }
    }

    @Test func dbusMonitorReceivesASignalWeEmit() async throws {
        try await withPrivateBus { bus in
            let emitter = try await bus.connect()
            defer { emitter.close() }
            async let monitor = runTool(["dbus-monitor", "--address", bus.address, "type='signal',interface='org.example.Cross'"], seconds: 2)
            for round in 0..<5 {
                try await Task.sleep(for: .milliseconds(200))
                try emitter.send(.signal(path: try DBusObjectPath("/org/example/Cross"), interface: "org.example.Cross",
                                         member: "Announce", body: [.string("ready"), .int32(Int32(round))]))
            }
            let output = try await monitor.output
            #expect(output.contains("interface=org.example.Cross; member=Announce"))
            #expect(output.contains("string \"ready\""))
            #expect(output.contains("sender=\(emitter.uniqueName)"))
        }
    }

    @Test func dbusSendSignalReachesOurStream() async throws {
        try await withPrivateBus { bus in
            let listener = try await bus.connect()
            defer { listener.close() }
            let stream = try await listener.signals(matching: DBusMatchRule(interface: "org.example.Cross", member: "FromShell"))
            let sent = try await runTool(["dbus-send", "--bus=\(bus.address)", "--type=signal", "/org/example/Cross",
                "org.example.Cross.FromShell", "string:shell", "array:byte:1,2,3"])
            #expect(sent.status == 0)
            let signal = try await next(stream)
            #expect(signal?.body == [.string("shell"), .bytes([1, 2, 3])])
        }
    }
}

/// Runs a tool (found on PATH), stdout and stderr merged, killed after `seconds` (the deadline).
private func runTool(_ arguments: [String], seconds: Int = 10) async throws -> (status: Int32, output: String) {
    let result = try await Tool.run(arguments[0], Array(arguments.dropFirst()), mergingStandardError: true, deadline: .seconds(seconds))
    return (result.status, result.stdout)
}
