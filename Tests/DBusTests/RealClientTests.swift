import Foundation
import Testing
import DBus

/// Runs a command under coreutils `timeout` (the deadline) and returns its status and output.
/// The blocking read and wait run on a thread of their own, never on the cooperative pool.
func runTool(_ arguments: [String], seconds: Int = 10) async throws -> (status: Int32, output: String) {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(with: Result { try runToolBlocking(arguments, seconds: seconds) })
        }.start()
    }
}

private func runToolBlocking(_ arguments: [String], seconds: Int) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
    // SIGKILL: the test process may block SIGTERM, and children inherit that mask.
    process.arguments = ["-s", "KILL", "\(seconds)"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Cross-checks with clients no one here wrote: busctl (systemd) and dbus-monitor/dbus-send.
@Suite struct RealClientTests {
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
            let greet = try await Task.detached {
                try await runTool(["busctl", "--address=\(bus.address)", "call", "org.example.Cross", "/org/example/Cross",
                             "org.example.Cross", "Greet", "s", "world"])
            }.value
            #expect(greet.status == 0)
            #expect(greet.output.trimmingCharacters(in: .whitespacesAndNewlines) == "su \"hello, world\" 7")
            let unknown = try await Task.detached {
                try await runTool(["dbus-send", "--bus=\(bus.address)", "--print-reply", "--dest=org.example.Cross", "/org/example/Cross",
                             "org.example.Cross.Missing"])
            }.value
            #expect(unknown.status != 0)
            #expect(unknown.output.contains("org.freedesktop.DBus.Error.UnknownMethod"))
            server.setMethodCallHandler(nil)
            let noHandler = try await Task.detached {
                try await runTool(["dbus-send", "--bus=\(bus.address)", "--print-reply", "--dest=org.example.Cross", "/nothing",
                             "org.example.Cross.Greet", "string:x"])
            }.value
            #expect(noHandler.output.contains("org.freedesktop.DBus.Error.UnknownObject"))
            let ping = try await Task.detached {
                try await runTool(["busctl", "--address=\(bus.address)", "call", "org.example.Cross", "/", "org.freedesktop.DBus.Peer", "Ping"])
            }.value
            #expect(ping.status == 0)
        }
    }

    @Test func dbusMonitorReceivesASignalWeEmit() async throws {
        try await withPrivateBus { bus in
            let emitter = try await bus.connect()
            defer { emitter.close() }
            let monitor = Task.detached {
                try await runTool(["dbus-monitor", "--address", bus.address, "type='signal',interface='org.example.Cross'"], seconds: 2)
            }
            for round in 0..<5 {
                try await Task.sleep(for: .milliseconds(200))
                try emitter.send(.signal(path: try DBusObjectPath("/org/example/Cross"), interface: "org.example.Cross",
                                         member: "Announce", body: [.string("ready"), .int32(Int32(round))]))
            }
            let output = try await monitor.value.output
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
            let sent = try await Task.detached {
                try await runTool(["dbus-send", "--bus=\(bus.address)", "--type=signal", "/org/example/Cross",
                             "org.example.Cross.FromShell", "string:shell", "array:byte:1,2,3"])
            }.value
            #expect(sent.status == 0)
            let signal = try await next(stream)
            #expect(signal?.body == [.string("shell"), .bytes([1, 2, 3])])
        }
    }
}
