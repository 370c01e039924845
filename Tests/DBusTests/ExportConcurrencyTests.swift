import Synchronization
import Testing

@testable import DBus

@Suite("Export: concurrency")
struct ExportConcurrencyTests {
    /// A method whose handler re-enters the server: emits a signal, changes a property, and
    /// registers and removes an object below a manager. Nothing may deadlock.
    @Test(.timeLimit(.minutes(1))) func handlersMayCallBackIntoTheServer() async throws {
        let sink = MessageSink()
        let store = Fixture.store()
        let server = DBusObjectServer(send: sink.send)
        server.addObjectManager(at: .root)
        let child = Fixture.path("/org/example/echo/child")
        let reentrant = DBusExportedInterface(
            "org.example.Reentrant1",
            methods: [
                DBusExportedMethod("Churn") { [server] (call) throws(DBusError) in
                    try server.emitSignal("Ping", interface: Fixture.interfaceName, at: call.path, body: [.string("in")])
                    store.set("Count", .uint32(99))
                    try server.propertiesChanged(["Count"], interface: Fixture.interfaceName, at: call.path)
                    try server.register([DBusExportedInterface("org.example.Child1")], at: child)
                    try server.unregisterObject(at: child)
                    return []
                }
            ])
        try server.register([Fixture.echoInterface(store: store), reentrant], at: Fixture.path)
        _ = try await sink.next()
        server.handle(Fixture.call("Churn", interface: "org.example.Reentrant1"))
        let members = try await [sink.next(), sink.next(), sink.next(), sink.next(), sink.next()].map {
            $0.member ?? "reply"
        }
        #expect(members == ["Ping", "PropertiesChanged", "InterfacesAdded", "InterfacesRemoved", "reply"])
    }

    /// Getters and subtree handlers run outside the lock, so they may query the server.
    @Test(.timeLimit(.minutes(1))) func gettersAndSubtreesMayQueryTheServer() async throws {
        let sink = MessageSink()
        let server = DBusObjectServer(send: sink.send)
        let counter = DBusExportedInterface(
            "org.example.Census1",
            properties: [
                DBusExportedProperty("Objects", type: .uint32) { [server] _ in
                    .uint32(UInt32(server.registeredPaths.count))
                }
            ])
        try server.register([counter], at: Fixture.path)
        try server.registerSubtree(
            DBusSubtree(interfaces: { [server] _ in server.registeredPaths.isEmpty ? nil : [counter] }),
            at: Fixture.path("/census"))
        server.handle(
            Fixture.call(
                "Get", interface: "org.freedesktop.DBus.Properties", path: Fixture.path("/census/x"),
                body: [.string("org.example.Census1"), .string("Objects")]))
        #expect(try await sink.next().body == [.variant(.uint32(1))])
    }

    @Test(.timeLimit(.minutes(1))) func concurrentCallsAllGetTheirOwnReply() async throws {
        let (server, sink, _) = try Fixture.server()
        let count = 500
        await withTaskGroup(of: Void.self) { group in
            for serial in 1...count {
                group.addTask {
                    server.handle(Fixture.call("Echo", body: [.string("\(serial)")], serial: UInt32(serial)))
                }
            }
        }
        var seen = Set<UInt32>()
        for _ in 1...count {
            let reply = try await sink.next()
            let serial = try #require(reply.replySerial)
            #expect(reply.body == [.string("\(serial)")])
            seen.insert(serial)
        }
        #expect(seen.count == count)
    }
}
