import Testing

@testable import DBus

@Suite("Export: org.freedesktop.DBus.Properties")
struct ExportPropertiesTests {
    static let properties = "org.freedesktop.DBus.Properties"

    static func get(_ name: String, interface: String = Fixture.interfaceName) -> DBusMessage {
        Fixture.call("Get", interface: properties, body: [.string(interface), .string(name)])
    }

    static func set(_ name: String, _ value: DBusValue, interface: String = Fixture.interfaceName) -> DBusMessage {
        Fixture.call("Set", interface: properties, body: [.string(interface), .string(name), .variant(value)])
    }

    @Test func getReturnsTheValueInAVariant() async throws {
        let (server, sink, _) = try Fixture.server()
        server.handle(Self.get("Count"))
        #expect(try await sink.next().body == [.variant(.uint32(7))])
        server.handle(Self.get("Name", interface: ""))
        #expect(try await sink.next().body == [.variant(.string("echo"))])
    }

    @Test func getReportsUnknownPropertyInterfaceAndWriteOnly() async throws {
        let (server, sink, _) = try Fixture.server()
        server.handle(Self.get("Nope"))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.UnknownProperty")
        server.handle(Self.get("Name", interface: "org.example.Other"))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.UnknownInterface")
        server.handle(Self.get("Secret"))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.AccessDenied")
        server.handle(Self.get("Absent"))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.UnknownProperty")
        server.handle(Fixture.call("Get", interface: Self.properties, body: [.string("only one")]))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.InvalidArgs")
    }

    @Test func getAllListsReadablePresentProperties() async throws {
        let (server, sink, _) = try Fixture.server()
        server.handle(Fixture.call("GetAll", interface: Self.properties, body: [.string(Fixture.interfaceName)]))
        let reply = try await sink.next()
        #expect(reply.signature.rawValue == "a{sv}")
        let values = try #require(reply.stringDictionary(at: 0))
        #expect(
            values == [
                "Name": .variant(.string("echo")), "Count": .variant(.uint32(7)),
                "Cache": .variant(.array(element: .byte, values: [.byte(1)])), "Model": .variant(.string("E1")),
                "Quiet": .variant(.boolean(false)),
            ])
        server.handle(Fixture.call("GetAll", interface: Self.properties, body: [.string(Self.properties)]))
        #expect(try await sink.next().body == [.dictionary(key: .string, value: .variant, entries: [])])
        server.handle(Fixture.call("GetAll", interface: Self.properties, body: [.string("org.example.Other")]))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.UnknownInterface")
    }

    @Test func setStoresTheValueRepliesAndEmitsPropertiesChanged() async throws {
        let (server, sink, store) = try Fixture.server()
        server.handle(Self.set("Name", .string("renamed")))
        let signal = try await sink.next()
        let reply = try await sink.next()
        #expect(reply.kind == .methodReturn)
        #expect(reply.body.isEmpty)
        #expect(store["Name"] == .string("renamed"))
        #expect(signal.kind == .signal)
        #expect(signal.path == Fixture.path)
        #expect(signal.interface == Self.properties)
        #expect(signal.member == "PropertiesChanged")
        #expect(signal.signature.rawValue == "sa{sv}as")
        #expect(signal.body[0] == .string(Fixture.interfaceName))
        #expect(signal.stringDictionary(at: 1) == ["Name": .variant(.string("renamed"))])
        #expect(signal.body[2] == .array(element: .string, values: []))
    }

    @Test func setOfAWriteOnlyPropertyInvalidatesIt() async throws {
        let (server, sink, store) = try Fixture.server()
        server.handle(Self.set("Secret", .string("s3cr3t")))
        let signal = try await sink.next()
        #expect(signal.stringDictionary(at: 1) == [:])
        #expect(signal.body[2] == .array(element: .string, values: [.string("Secret")]))
        #expect(try await sink.next().kind == .methodReturn)
        #expect(store["Secret"] == .string("s3cr3t"))
    }

    @Test func setOfAQuietPropertyEmitsNothing() async throws {
        let (server, sink, store) = try Fixture.server()
        server.handle(Self.set("Quiet", .boolean(true)))
        #expect(try await sink.next().kind == .methodReturn)
        #expect(try await sink.staysQuiet())
        #expect(store["Quiet"] == .boolean(true))
    }

    @Test func setRejectsWrongTypeReadOnlyAndUnknown() async throws {
        let (server, sink, store) = try Fixture.server()
        server.handle(Self.set("Name", .uint32(1)))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.InvalidArgs")
        server.handle(Self.set("Count", .uint32(1)))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.PropertyReadOnly")
        server.handle(Self.set("Nope", .uint32(1)))
        #expect(try await sink.next().errorName == "org.freedesktop.DBus.Error.UnknownProperty")
        #expect(store["Name"] == .string("echo"))
        #expect(store["Count"] == .uint32(7))
    }

    @Test func setterErrorsReachTheCaller() async throws {
        let sink = MessageSink()
        let server = DBusObjectServer(send: sink.send)
        try server.register(
            [
                DBusExportedInterface(
                    "org.example.Strict",
                    properties: [
                        DBusExportedProperty(
                            "Level", type: .byte, get: { _ in .byte(0) },
                            set: { (_, _) throws(DBusError) in
                                throw DBusError(errorName: "org.example.Error.TooHigh", message: "too high")
                            })
                    ])
            ], at: Fixture.path)
        server.handle(Self.set("Level", .byte(9), interface: "org.example.Strict"))
        #expect(try await sink.next().errorName == "org.example.Error.TooHigh")
        #expect(try await sink.staysQuiet())
    }

    @Test func ownerChangesAreBatchedIntoOneSignal() async throws {
        let (server, sink, store) = try Fixture.server()
        store.set("Name", .string("new"))
        store.set("Count", .uint32(8))
        try server.propertiesChanged(
            ["Name", "Count", "Cache", "Model", "Quiet"], interface: Fixture.interfaceName, at: Fixture.path)
        let signals = sink.drain()
        #expect(signals.count == 1)
        let signal = try #require(signals.first)
        #expect(signal.stringDictionary(at: 1) == ["Name": .variant(.string("new")), "Count": .variant(.uint32(8))])
        #expect(signal.body[2] == .array(element: .string, values: [.string("Cache")]))
    }

    @Test func ownerChangesOfSilentPropertiesSendNothing() throws {
        let (server, sink, _) = try Fixture.server()
        try server.propertiesChanged(["Model", "Quiet"], interface: Fixture.interfaceName, at: Fixture.path)
        #expect(sink.drain().isEmpty)
        let unknownProperty = #expect(throws: DBusError.self) {
            try server.propertiesChanged(["Nope"], interface: Fixture.interfaceName, at: Fixture.path)
        }
        #expect(unknownProperty?.kind == .unknownProperty)
        let unknownInterface = #expect(throws: DBusError.self) {
            try server.propertiesChanged(["Name"], interface: "org.example.Other", at: Fixture.path)
        }
        #expect(unknownInterface?.kind == .unknownInterface)
    }
}
