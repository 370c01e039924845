import Synchronization
import Testing

@testable import DBus

/// Captures what an object server sends, for tests to take one message at a time with a deadline.
final class MessageSink: Sendable {
    private let buffer = Mutex<[DBusMessage]>([])

    /// The closure to build a `DBusObjectServer` with.
    var send: DBusObjectServer.Send {
        { [self] message in self.buffer.withLock { $0.append(message) } }
    }

    /// The oldest message not yet taken; fails the test after `timeout`.
    func next(timeout: Duration = .seconds(30)) async throws -> DBusMessage {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let message = buffer.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                return message
            }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw DBusError(.timedOut, message: "no message within \(timeout)")
    }

    /// Every message sent so far, taken.
    func drain() -> [DBusMessage] {
        buffer.withLock { messages in
            defer { messages.removeAll() }
            return messages
        }
    }

    /// True when nothing arrives within `period`.
    func staysQuiet(for period: Duration = .milliseconds(100)) async throws -> Bool {
        try await Task.sleep(for: period)
        return buffer.withLock { $0.isEmpty }
    }
}

/// Mutable state behind the fixture's properties.
final class PropertyStore: Sendable {
    let values: Mutex<[String: DBusValue]>

    init(_ values: [String: DBusValue]) {
        self.values = Mutex(values)
    }

    subscript(name: String) -> DBusValue? {
        values.withLock { $0[name] }
    }

    func set(_ name: String, _ value: DBusValue) {
        values.withLock { $0[name] = value }
    }

    func getter(_ name: String) -> DBusExportedProperty.Getter {
        { [self] (_) throws(DBusError) in
            guard let value = self[name] else {
                throw DBusError(.unknownProperty, message: "\(name) is absent")
            }
            return value
        }
    }

    func setter(_ name: String) -> DBusExportedProperty.Setter {
        { [self] (_, value) throws(DBusError) in self.set(name, value) }
    }
}

enum Fixture {
    static let interfaceName = "org.example.Echo1"
    static let path = try! DBusObjectPath("/org/example/echo")

    static func path(_ text: String) -> DBusObjectPath {
        try! DBusObjectPath(text)
    }

    /// An interface with methods that echo, fail, answer late or answer wrongly, and properties
    /// of every access and emits-changed kind.
    static func echoInterface(store: PropertyStore, name: String = interfaceName) -> DBusExportedInterface {
        DBusExportedInterface(
            name,
            methods: [
                DBusExportedMethod(
                    "Echo", inputs: [DBusArgument("text", .string)], outputs: [DBusArgument("echoed", .string)]
                ) { call in call.arguments },
                DBusExportedMethod("Where", outputs: [DBusArgument("path", .objectPath)]) { call in
                    [.objectPath(call.path)]
                },
                DBusExportedMethod("Fail") { (_) throws(DBusError) in
                    throw DBusError(errorName: "org.example.Error.Refused", message: "refused on purpose")
                },
                DBusExportedMethod("Sleep", inputs: [DBusArgument("milliseconds", .uint32)]) {
                    (call) throws(DBusError) in
                    guard case .uint32(let milliseconds) = call.arguments[0] else { return [] }
                    try? await Task.sleep(for: .milliseconds(Int(milliseconds)))
                    return []
                },
                DBusExportedMethod("Wrong", outputs: [DBusArgument(nil, .int32)]) { _ in [.string("not an int")] },
            ],
            properties: [
                DBusExportedProperty("Name", type: .string, get: store.getter("Name"), set: store.setter("Name")),
                DBusExportedProperty("Count", type: .uint32, get: store.getter("Count")),
                DBusExportedProperty("Secret", type: .string, emitsChanged: .invalidates, get: nil, set: store.setter("Secret")),
                DBusExportedProperty("Cache", type: .array(.byte), emitsChanged: .invalidates, get: store.getter("Cache")),
                DBusExportedProperty("Model", type: .string, emitsChanged: .constant, get: store.getter("Model")),
                DBusExportedProperty("Quiet", type: .boolean, emitsChanged: .never, get: store.getter("Quiet"), set: store.setter("Quiet")),
                DBusExportedProperty("Absent", type: .int32, get: store.getter("Absent")),
            ],
            signals: [DBusExportedSignal("Ping", arguments: [DBusArgument("text", .string)])])
    }

    static func store() -> PropertyStore {
        PropertyStore([
            "Name": .string("echo"), "Count": .uint32(7), "Cache": .array(element: .byte, values: [.byte(1)]),
            "Model": .string("E1"), "Quiet": .boolean(false),
        ])
    }

    /// A method call as the bus would deliver it.
    static func call(
        _ member: String, interface: String? = interfaceName, path: DBusObjectPath = path, body: [DBusValue] = [],
        serial: UInt32 = 1, noReply: Bool = false
    ) -> DBusMessage {
        var message = DBusMessage.methodCall(
            destination: ":1.1", path: path, interface: interface, member: member, body: body)
        message.sender = ":1.9"
        message.serial = serial
        message.noReplyExpected = noReply
        return message
    }

    /// A server with the echo interface at `path`, and the sink it sends into.
    static func server() throws -> (DBusObjectServer, MessageSink, PropertyStore) {
        let sink = MessageSink()
        let store = store()
        let server = DBusObjectServer(send: sink.send)
        try server.register([echoInterface(store: store)], at: path)
        return (server, sink, store)
    }
}

extension DBusMessage {
    /// The `a{sv}` or `a{s...}` body argument at `index` as a dictionary keyed by string.
    func stringDictionary(at index: Int) -> [String: DBusValue]? {
        guard body.indices.contains(index), case .dictionary(_, _, let entries) = body[index] else { return nil }
        var result: [String: DBusValue] = [:]
        for entry in entries {
            guard case .string(let key) = entry.key else { return nil }
            result[key] = entry.value
        }
        return result
    }
}
