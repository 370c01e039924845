import Testing

@testable import DBus

@Suite("Export: org.freedesktop.DBus.ObjectManager")
struct ExportObjectManagerTests {
    static let objectManager = "org.freedesktop.DBus.ObjectManager"
    static let standard = ["org.freedesktop.DBus.Introspectable", "org.freedesktop.DBus.Properties"]
    static let root = Fixture.path("/org/example")

    static func interfaceNames(_ value: DBusValue) -> [String] {
        guard case .dictionary(_, _, let entries) = value else { return [] }
        return entries.compactMap { if case .string(let name) = $0.key { name } else { nil } }
    }

    @Test func getManagedObjectsListsObjectsBelowTheRootWithStandardInterfaces() async throws {
        let (server, sink, _) = try Fixture.server()
        server.addObjectManager(at: Self.root)
        try server.register([DBusExportedInterface("org.example.Root1")], at: Self.root)
        _ = sink.drain()
        server.handle(Fixture.call("GetManagedObjects", interface: Self.objectManager, path: Self.root))
        let reply = try await sink.next()
        #expect(reply.kind == .methodReturn)
        #expect(reply.signature.rawValue == "a{oa{sa{sv}}}")
        guard case .dictionary(_, _, let objects) = reply.body[0] else {
            Issue.record("not a dictionary")
            return
        }
        #expect(objects.map(\.key) == [.objectPath(Fixture.path)])
        let interfaces = objects[0].value
        #expect(Self.interfaceNames(interfaces) == Self.standard + [Fixture.interfaceName])
        guard case .dictionary(_, _, let byInterface) = interfaces else { return }
        #expect(byInterface[0].value == .dictionary(key: .string, value: .variant, entries: []))
        guard case .dictionary(_, _, let properties) = byInterface[2].value else { return }
        #expect(properties.count == 5)
    }

    @Test func objectManagerIsOnlyAtItsRoot() async throws {
        let (server, sink, _) = try Fixture.server()
        server.addObjectManager(at: Self.root)
        server.handle(Fixture.call("GetManagedObjects", interface: Self.objectManager))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.UnknownInterface")
        server.removeObjectManager(at: Self.root)
        server.handle(Fixture.call("GetManagedObjects", interface: Self.objectManager, path: Self.root))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.UnknownObject")
    }

    @Test func registeringANewObjectEmitsInterfacesAddedWithProperties() async throws {
        let sink = MessageSink()
        let server = DBusObjectServer(send: sink.send)
        server.addObjectManager(at: Self.root)
        try server.register([Fixture.echoInterface(store: Fixture.store())], at: Fixture.path)
        let signal = try await sink.next()
        #expect(signal.kind == .signal)
        #expect(signal.path == Self.root)
        #expect(signal.interface == Self.objectManager)
        #expect(signal.member == "InterfacesAdded")
        #expect(signal.signature.rawValue == "oa{sa{sv}}")
        #expect(signal.body[0] == .objectPath(Fixture.path))
        #expect(Self.interfaceNames(signal.body[1]) == Self.standard + [Fixture.interfaceName])
        let properties = try #require(signal.stringDictionary(at: 1)?[Fixture.interfaceName])
        guard case .dictionary(_, _, let entries) = properties else { return }
        #expect(entries.contains(DBusDictionaryEntry(key: .string("Count"), value: .variant(.uint32(7)))))

        try server.register([DBusExportedInterface("org.example.Extra1")], at: Fixture.path)
        let more = try await sink.next()
        #expect(Self.interfaceNames(more.body[1]) == ["org.example.Extra1"])
    }

    @Test func removingInterfacesAndObjectsEmitsInterfacesRemoved() async throws {
        let sink = MessageSink()
        let server = DBusObjectServer(send: sink.send)
        server.addObjectManager(at: Self.root)
        try server.register(
            [DBusExportedInterface("org.example.A1"), DBusExportedInterface("org.example.B1")], at: Fixture.path)
        _ = try await sink.next()
        try server.unregisterInterface(named: "org.example.A1", at: Fixture.path)
        let partial = try await sink.next()
        #expect(partial.member == "InterfacesRemoved")
        #expect(partial.signature.rawValue == "oas")
        #expect(partial.body == [.objectPath(Fixture.path), .array(element: .string, values: [.string("org.example.A1")])])
        try server.unregisterObject(at: Fixture.path)
        let whole = try await sink.next()
        #expect(
            whole.body[1]
                == .array(element: .string, values: (Self.standard + ["org.example.B1"]).map(DBusValue.string)))
    }

    @Test func lastInterfaceRemovalAlsoRemovesTheStandardOnes() async throws {
        let sink = MessageSink()
        let server = DBusObjectServer(send: sink.send)
        server.addObjectManager(at: .root)
        try server.register([DBusExportedInterface("org.example.A1")], at: Fixture.path)
        _ = try await sink.next()
        try server.unregisterInterface(named: "org.example.A1", at: Fixture.path)
        let removed = try await sink.next()
        #expect(removed.path == .root)
        #expect(
            removed.body[1]
                == .array(element: .string, values: (Self.standard + ["org.example.A1"]).map(DBusValue.string)))
    }

    @Test func objectsOutsideAManagerEmitNothing() async throws {
        let sink = MessageSink()
        let server = DBusObjectServer(send: sink.send)
        server.addObjectManager(at: Fixture.path("/org/other"))
        try server.register([DBusExportedInterface("org.example.A1")], at: Fixture.path)
        try server.unregisterObject(at: Fixture.path)
        #expect(try await sink.staysQuiet())
    }

    @Test func theNearestManagerOwnsAnObject() async throws {
        let sink = MessageSink()
        let server = DBusObjectServer(send: sink.send)
        server.addObjectManager(at: .root)
        server.addObjectManager(at: Self.root)
        try server.register([DBusExportedInterface("org.example.A1")], at: Fixture.path)
        #expect(try await sink.next().path == Self.root)
        server.handle(Fixture.call("GetManagedObjects", interface: Self.objectManager, path: .root))
        #expect(try await sink.next().body == [.dictionary(key: .objectPath, value: .interfacesAndProperties, entries: [])])
    }
}
