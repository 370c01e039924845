import Synchronization
import Testing
import TestSupport

@testable import DBus

/// The object server's dispatch fast path: a handler starts on the thread that delivered the
/// call (`Task.immediate`), so one that does not suspend is answered without a thread switch.
@Suite("Export: dispatch fast path", .cleansUp)
struct ExportFastPathTests {
    @Test(.timeLimit(.minutes(1))) func aHandlerThatDoesNotSuspendIsAnsweredBeforeHandleReturns() throws {
        let (server, sink, _) = try Fixture.server()
        _ = sink.drain()
        server.handle(Fixture.call("Echo", body: [.string("now")], serial: 7))
        let replies = sink.drain()
        #expect(replies.count == 1)
        #expect(replies.first?.replySerial == 7)
        #expect(replies.first?.body == [.string("now")])
    }

    @Test(.timeLimit(.minutes(1))) func handlersStartInArrivalOrderAndMayThenSuspend() async throws {
        let sink = MessageSink()
        let server = DBusObjectServer(send: sink.send)
        let started = Mutex<[UInt32]>([])
        let method = DBusExportedMethod("Note", inputs: [DBusArgument("n", .uint32)]) { (call) throws(DBusError) in
            guard case .uint32(let n)? = call.arguments.first else { throw DBusError(.invalidArguments, message: "n") }
            started.withLock { $0.append(n) }
            try? await Task.sleep(for: .milliseconds(Int(n % 3)))
            return []
        }
        try server.register([DBusExportedInterface("org.example.Order1", methods: [method])], at: Fixture.path)
        let count: UInt32 = 200
        for n in 1...count {
            server.handle(Fixture.call("Note", interface: "org.example.Order1", body: [.uint32(n)], serial: n))
        }
        #expect(started.withLock { $0 } == Array(1...count))
        var answered = Set<UInt32>()
        for _ in 1...count {
            answered.insert(try #require(try await sink.next().replySerial))
        }
        #expect(answered.count == Int(count))
    }

    /// The handler starts on the connection's I/O thread; awaiting a call on that same
    /// connection must not deadlock it (the reply is read by the thread the handler left).
    @Test(.timeLimit(.minutes(1))) func aHandlerMayAwaitACallOnItsOwnConnection() async throws {
        try await withPrivateBus { bus in
            let serving = try await bus.connect()
            let client = try await bus.connect()
            defer { serving.close(); client.close() }
            let server = DBusObjectServer(connection: serving)
            let method = DBusExportedMethod("BusID", outputs: [DBusArgument("id", .string)]) {
                [weak serving] (_) throws(DBusError) in
                guard let serving else { throw DBusError(.disconnected, message: "gone") }
                return try await serving.call(busMethod("GetId"), timeout: .seconds(30)).body
            }
            try server.register([DBusExportedInterface("org.example.Nested1", methods: [method])], at: Fixture.path)
            let call = DBusMessage.methodCall(
                destination: serving.uniqueName, path: Fixture.path, interface: "org.example.Nested1", member: "BusID")
            let expected = try await client.call(busMethod("GetId")).body
            for _ in 0..<20 {
                #expect(try await client.call(call, timeout: .seconds(30)).body == expected)
            }
        }
    }
}
