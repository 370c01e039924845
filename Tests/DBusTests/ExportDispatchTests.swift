import Synchronization
import Testing

@testable import DBus

@Suite("Export: method dispatch")
struct ExportDispatchTests {
    @Test func echoRepliesWithBodyToTheCaller() async throws {
        let (server, sink, _) = try Fixture.server()
        server.handle(Fixture.call("Echo", body: [.string("hi")], serial: 42))
        let reply = try await sink.next()
        #expect(reply.kind == .methodReturn)
        #expect(reply.replySerial == 42)
        #expect(reply.destination == ":1.9")
        #expect(reply.body == [.string("hi")])
    }

    @Test func handlerSeesTheCallerAndTheCall() async throws {
        let sink = MessageSink()
        let server = DBusObjectServer(send: sink.send)
        try server.register(
            [
                DBusExportedInterface(
                    "org.example.Who1",
                    methods: [
                        DBusExportedMethod("Who", inputs: [DBusArgument(nil, .uint32)], outputs: [DBusArgument(nil, .string)]) {
                            call in [.string("\(call.sender ?? "-") \(call.message.member ?? "-") \(call.arguments)")]
                        }
                    ])
            ], at: Fixture.path)
        server.handle(Fixture.call("Who", interface: "org.example.Who1", body: [.uint32(3)]))
        #expect(try await sink.next().body == [.string(":1.9 Who [DBus.DBusValue.uint32(3)]")])
    }

    @Test func unknownObjectIsReported() async throws {
        let (server, sink, _) = try Fixture.server()
        server.handle(Fixture.call("Echo", path: Fixture.path("/nowhere"), body: [.string("x")]))
        let reply = try await sink.next()
        #expect(reply.kind == .error)
        #expect(reply.errorName == "org.freedesktop.DBus.Error.UnknownObject")
    }

    @Test func unknownInterfaceIsReported() async throws {
        let (server, sink, _) = try Fixture.server()
        server.handle(Fixture.call("Echo", interface: "org.example.Other", body: [.string("x")]))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.UnknownInterface")
    }

    @Test func unknownMethodIsReported() async throws {
        let (server, sink, _) = try Fixture.server()
        server.handle(Fixture.call("Shout", body: [.string("x")]))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.UnknownMethod")
        server.handle(Fixture.call("Shout", interface: nil))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.UnknownMethod")
    }

    @Test func wrongSignatureIsRejectedBeforeTheHandlerRuns() async throws {
        let sink = MessageSink()
        let server = DBusObjectServer(send: sink.send)
        let ran = Mutex(false)
        try server.register(
            [
                DBusExportedInterface(
                    "org.example.Guarded",
                    methods: [
                        DBusExportedMethod("Take", inputs: [DBusArgument("n", .int32)]) { _ in
                            ran.withLock { $0 = true }
                            return []
                        }
                    ])
            ], at: Fixture.path)
        server.handle(Fixture.call("Take", interface: "org.example.Guarded", body: [.string("7")]))
        let reply = try await sink.next()
        #expect(reply.errorName == "org.freedesktop.DBus.Error.InvalidArgs")
        #expect(reply.body == [.string("Method 'Take' takes signature 'i', got 's'")])
        #expect(try await sink.staysQuiet())
        #expect(ran.withLock { $0 } == false)
    }

    @Test func thrownErrorBecomesAnErrorReplyWithItsName() async throws {
        let (server, sink, _) = try Fixture.server()
        server.handle(Fixture.call("Fail", serial: 5))
        let reply = try await sink.next()
        #expect(reply.kind == .error)
        #expect(reply.errorName == "org.example.Error.Refused")
        #expect(reply.replySerial == 5)
        #expect(reply.body == [.string("refused on purpose")])
    }

    @Test func wrongReplyBodyBecomesFailed() async throws {
        let (server, sink, _) = try Fixture.server()
        server.handle(Fixture.call("Wrong"))
        let reply = try await sink.next()
        #expect(reply.errorName == "org.freedesktop.DBus.Error.Failed")
    }

    @Test func noReplyExpectedGetsNoReplyButStillRuns() async throws {
        let sink = MessageSink()
        let server = DBusObjectServer(send: sink.send)
        let calls = Mutex(0)
        try server.register(
            [
                DBusExportedInterface(
                    "org.example.Counter",
                    methods: [DBusExportedMethod("Bump") { _ in calls.withLock { $0 += 1 }; return [] }])
            ], at: Fixture.path)
        server.handle(Fixture.call("Bump", interface: "org.example.Counter", noReply: true))
        server.handle(Fixture.call("Missing", interface: "org.example.Counter", noReply: true))
        #expect(try await sink.staysQuiet())
        #expect(calls.withLock { $0 } == 1)
    }

    @Test func interfaceLessCallResolvesAcrossInterfaces() async throws {
        let (server, sink, _) = try Fixture.server()
        server.handle(Fixture.call("Echo", interface: nil, body: [.string("plain")]))
        #expect(try await sink.next().body == [.string("plain")])
        server.handle(Fixture.call("Introspect", interface: nil))
        let xml = try await sink.next()
        #expect(xml.kind == .methodReturn)
        #expect(xml.signature.rawValue == "s")
    }

    @Test func interfaceLessCallPrefersTheMethodWhoseSignatureFits() async throws {
        let sink = MessageSink()
        let server = DBusObjectServer(send: sink.send)
        try server.register(
            [
                DBusExportedInterface(
                    "org.example.A",
                    methods: [
                        DBusExportedMethod(
                            "Go", inputs: [DBusArgument(nil, .int32)], outputs: [DBusArgument(nil, .string)]
                        ) { _ in [.string("A")] }
                    ]),
                DBusExportedInterface(
                    "org.example.B",
                    methods: [
                        DBusExportedMethod(
                            "Go", inputs: [DBusArgument(nil, .string)], outputs: [DBusArgument(nil, .string)]
                        ) { _ in [.string("B")] }
                    ]),
            ], at: Fixture.path)
        server.handle(Fixture.call("Go", interface: nil, body: [.string("x")]))
        let b = try await sink.next()
        #expect(b.body == [.string("B")])
        server.handle(Fixture.call("Go", interface: nil, body: [.int32(1)]))
        let a = try await sink.next()
        #expect(a.body == [.string("A")])
    }

    @Test func repliesMayComeLaterAndOutOfOrder() async throws {
        let (server, sink, _) = try Fixture.server()
        server.handle(Fixture.call("Sleep", body: [.uint32(300)], serial: 1))
        server.handle(Fixture.call("Echo", body: [.string("fast")], serial: 2))
        let first = try await sink.next()
        let second = try await sink.next()
        #expect(first.replySerial == 2)
        #expect(second.replySerial == 1)
        #expect(second.kind == .methodReturn)
    }

    @Test func signalsAndOtherKindsAreIgnored() async throws {
        let (server, sink, _) = try Fixture.server()
        server.handle(.signal(path: Fixture.path, interface: Fixture.interfaceName, member: "Echo"))
        #expect(try await sink.staysQuiet())
    }

    @Test func unregisteredObjectIsUnknownAfterwards() async throws {
        let (server, sink, _) = try Fixture.server()
        try server.unregisterObject(at: Fixture.path)
        #expect(server.registeredPaths.isEmpty)
        server.handle(Fixture.call("Echo", body: [.string("x")]))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.UnknownObject")
        #expect(throws: DBusError.self) { try server.unregisterObject(at: Fixture.path) }
    }

    @Test func unregisteringTheLastInterfaceRemovesTheObject() async throws {
        let (server, sink, _) = try Fixture.server()
        try server.unregisterInterface(named: Fixture.interfaceName, at: Fixture.path)
        #expect(server.registeredPaths.isEmpty)
        server.handle(Fixture.call("Echo", body: [.string("x")]))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.UnknownObject")
        #expect(throws: DBusError.self) { try server.unregisterInterface(named: "org.example.None", at: Fixture.path) }
    }

    @Test func registrationRejectsDuplicatesAndStandardNames() throws {
        let (server, _, store) = try Fixture.server()
        let duplicate = #expect(throws: DBusError.self) {
            try server.register([Fixture.echoInterface(store: store)], at: Fixture.path)
        }
        #expect(duplicate?.kind == .invalidArguments)
        let reserved = #expect(throws: DBusError.self) {
            try server.register([DBusExportedInterface("org.freedesktop.DBus.Properties")], at: Fixture.path("/x"))
        }
        #expect(reserved?.kind == .invalidArguments)
        #expect(throws: DBusError.self) {
            try server.register(
                [DBusExportedInterface("org.example.Twice"), DBusExportedInterface("org.example.Twice")],
                at: Fixture.path("/y"))
        }
        #expect(server.registeredPaths == [Fixture.path])
    }

    @Test func subtreeServesEveryPathBelowItsRoot() async throws {
        let sink = MessageSink()
        let server = DBusObjectServer(send: sink.send)
        let store = Fixture.store()
        let root = Fixture.path("/org/example/devices")
        try server.registerSubtree(
            DBusSubtree(
                interfaces: { path in
                    path.rawValue.hasSuffix("/missing") ? nil : [Fixture.echoInterface(store: store)]
                },
                children: { path in path == root ? ["dev_1", "dev_2"] : [] }),
            at: root)
        let device = Fixture.path("/org/example/devices/dev_1")
        server.handle(Fixture.call("Where", path: device))
        #expect(try await sink.next().body == [.objectPath(device)])
        server.handle(Fixture.call("Where", path: Fixture.path("/org/example/devices/missing")))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.UnknownObject")
        #expect(throws: DBusError.self) { try server.registerSubtree(DBusSubtree(interfaces: { _ in nil }), at: root) }

        try server.unregisterSubtree(at: root)
        server.handle(Fixture.call("Where", path: device))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.UnknownObject")
        #expect(throws: DBusError.self) { try server.unregisterSubtree(at: root) }
    }

    @Test func registeredObjectTakesPrecedenceOverSubtree() async throws {
        let (server, sink, _) = try Fixture.server()
        try server.registerSubtree(
            DBusSubtree(interfaces: { _ in [DBusExportedInterface("org.example.Fallback")] }), at: .root)
        server.handle(Fixture.call("Echo", body: [.string("exact")]))
        #expect(try await sink.next().body == [.string("exact")])
        server.handle(Fixture.call("Echo", path: Fixture.path("/elsewhere"), body: [.string("x")]))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.UnknownInterface")
    }

    @Test func emittedSignalsAreCheckedAgainstTheirDeclaration() async throws {
        let (server, sink, _) = try Fixture.server()
        try server.emitSignal("Ping", interface: Fixture.interfaceName, at: Fixture.path, body: [.string("p")])
        let signal = try await sink.next()
        #expect(signal.kind == .signal)
        #expect(signal.path == Fixture.path)
        #expect(signal.interface == Fixture.interfaceName)
        #expect(signal.member == "Ping")
        #expect(signal.body == [.string("p")])
        #expect(throws: DBusError.self) {
            try server.emitSignal("Ping", interface: Fixture.interfaceName, at: Fixture.path, body: [.int32(1)])
        }
        #expect(throws: DBusError.self) {
            try server.emitSignal("Pong", interface: Fixture.interfaceName, at: Fixture.path)
        }
        #expect(throws: DBusError.self) {
            try server.emitSignal("Ping", interface: "org.example.None", at: Fixture.path, body: [.string("p")])
        }
    }
}
