import Testing
import DBus

@Suite struct ValueShapeTests {
    @Test func propertyDictionaryRoundTrip() throws {
        let properties: [String: DBusValue] = ["Powered": .boolean(true), "Name": .string("hci0")]
        let value = DBusValue.propertyDictionary(properties)
        #expect(value.type.signature == "a{sv}")
        #expect(try value.propertyDictionary() == properties)
        #expect(throws: DBusError.self) { try DBusValue.stringArray(["x"]).propertyDictionary() }
    }

    @Test func managedObjectsRoundTripThroughTheWire() throws {
        let objects: [DBusObjectPath: [String: [String: DBusValue]]] = [
            try DBusObjectPath("/org/bluez/hci0"): ["org.bluez.Adapter1": ["Powered": .boolean(true)], "org.freedesktop.DBus.Properties": [:]],
            try DBusObjectPath("/org/bluez/hci0/dev_00"): ["org.bluez.Device1": ["RSSI": .int16(-40), "UUIDs": .stringArray(["180a"])]],
        ]
        let message = DBusMessage(kind: .methodReturn, serial: 2, replySerial: 1, body: [.managedObjects(objects)])
        let decoded = try DBusMessage(marshaled: message.marshaled())
        let body = try decoded.body(matching: "a{oa{sa{sv}}}")
        #expect(try body[0].managedObjects() == objects)
        #expect(throws: DBusError.self) { try decoded.body(matching: "a{sv}") }
    }

    @Test func otherShapes() throws {
        let manufacturer = DBusValue.uint16VariantDictionary([76: .bytes([1, 2]), 6: .bytes([])])
        #expect(manufacturer.type.signature == "a{qv}")
        #expect(try manufacturer.uint16VariantDictionary() == [76: .bytes([1, 2]), 6: .bytes([])])
        #expect(try DBusValue.stringArray(["a", "b"]).stringArray() == ["a", "b"])
        #expect(try DBusValue.bytes([0, 255]).bytes() == [0, 255])
        #expect(try DBusValue.objectPathArray([.root]).objectPathArray() == [.root])
        #expect(try DBusValue.interfacesAndProperties(["a.b": ["X": .uint32(1)]]).interfacesAndProperties() == ["a.b": ["X": .uint32(1)]])
        for (value, decode) in [
            (DBusValue.int32(1), { (v: DBusValue) throws(DBusError) in _ = try v.bytes() }),
            (.bytes([1]), { (v: DBusValue) throws(DBusError) in _ = try v.stringArray() }),
            (.stringArray([]), { (v: DBusValue) throws(DBusError) in _ = try v.objectPathArray() }),
            (.bytes([]), { (v: DBusValue) throws(DBusError) in _ = try v.uint16VariantDictionary() }),
            (.bytes([]), { (v: DBusValue) throws(DBusError) in _ = try v.managedObjects() }),
        ] {
            do throws(DBusError) {
                try decode(value)
                Issue.record("no error for \(value.type.signature)")
            } catch {
                #expect(error.kind == .typeMismatch)
                #expect(error.message.contains("found '\(value.type.signature)'"))
            }
        }
    }

    @Test func accessors() throws {
        #expect(DBusValue.variant(.variant(.string("x"))).unwrappedVariant == .string("x"))
        #expect(DBusValue.string("x").string == "x")
        #expect(DBusValue.int32(1).string == nil)
        #expect(DBusValue.boolean(true).bool == true)
        #expect(DBusValue.uint16(3).uint16 == 3)
        #expect(DBusValue.int16(-3).int16 == -3)
        #expect(DBusValue.uint32(3).uint32 == 3)
        #expect(DBusValue.int64(-3).int64 == -3)
        #expect(DBusValue.uint64(3).uint64 == 3)
        #expect(DBusValue.double(0.5).double == 0.5)
        #expect(DBusValue.byte(7).byte == 7)
        #expect(DBusValue.objectPath(.root).objectPath == .root)
        #expect(DBusValue.signature(DBusSignature([.string])).signatureValue?.rawValue == "s")
        #expect(DBusValue.structure([.int32(1)]).structFields == [.int32(1)])
        #expect(DBusValue.bytes([1]).arrayElements == [.byte(1)])
        #expect(DBusValue.propertyDictionary(["a": .int32(1)]).dictionaryEntries?.count == 1)
        #expect(DBusValue.int32(1).unixFD == nil)
        #expect(try DBusValue.string("x").decode(\.string, as: "s") == "x")
        #expect(throws: DBusError.self) { try DBusValue.int32(1).decode(\.string, as: "s") }
    }
}
