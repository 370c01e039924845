import Testing
import DBus

#if canImport(Glibc)
import Glibc
#endif

/// One value of every shape the type system has, including empty typed containers.
let everyShape: [DBusValue] = [
    .byte(0xFF), .boolean(true), .boolean(false), .int16(-32768), .uint16(65535), .int32(-7), .uint32(42),
    .int64(Int64.min), .uint64(UInt64.max), .double(-0.25), .string(""), .string("héllo ✓"),
    .objectPath(.root), .objectPath(try! DBusObjectPath("/org/bluez/hci0")),
    .signature(try! DBusSignature(parsing: "a{oa{sa{sv}}}")), .signature(DBusSignature([])),
    .array(element: .byte, values: [.byte(1), .byte(2), .byte(3)]),
    .array(element: .byte, values: []),
    .array(element: .string, values: []),
    .array(element: .array(.int32), values: [.array(element: .int32, values: [.int32(1)]), .array(element: .int32, values: [])]),
    .dictionary(key: .string, value: .variant, entries: []),
    .dictionary(key: .string, value: .variant, entries: [
        DBusDictionaryEntry(key: .string("Powered"), value: .variant(.boolean(true))),
        DBusDictionaryEntry(key: .string("Name"), value: .variant(.string("hci0"))),
    ]),
    .dictionary(key: .uint16, value: .variant, entries: [DBusDictionaryEntry(key: .uint16(76), value: .variant(.array(element: .byte, values: [.byte(9)])))]),
    .structure([.int32(1), .string("x"), .structure([.double(2)])]),
    .variant(.variant(.structure([.objectPath(.root), .array(element: .string, values: [])]))),
    .array(element: .dictionary(key: .objectPath, value: .variant), values: [.dictionary(key: .objectPath, value: .variant, entries: [])]),
]

@Suite struct MarshallingTests {
    @Test func everyTypeRoundTripsThroughWireBytes() throws {
        for value in everyShape {
            let message = DBusMessage(kind: .signal, path: .root, interface: "org.example.Test", member: "Value",
                                      serial: 7, body: [value])
            let decoded = try DBusMessage(marshaled: try message.marshaled())
            #expect(decoded.body == [value], "value \(value.type.signature)")
            #expect(decoded.signature == message.signature)
        }
    }

    @Test func allShapesInOneBodyRoundTrip() throws {
        let message = DBusMessage(kind: .methodCall, path: .root, interface: "org.example.Test", member: "All",
                                  destination: "org.example.Peer", serial: 3, body: everyShape)
        let decoded = try DBusMessage(marshaled: try message.marshaled())
        #expect(decoded.body == everyShape)
    }

    @Test func headerFieldsRoundTrip() throws {
        let call = DBusMessage(kind: .methodCall, path: try DBusObjectPath("/a/b"), interface: "org.example.I",
                               member: "M", destination: ":1.7", sender: ":1.9", serial: 99,
                               noReplyExpected: true, body: [.string("x")])
        #expect(try DBusMessage(marshaled: call.marshaled()) == call)
        let error = DBusMessage(kind: .error, errorName: "org.example.Error.Bad", destination: ":1.9",
                                serial: 5, replySerial: 99, body: [.string("bad")])
        #expect(try DBusMessage(marshaled: error.marshaled()) == error)
        let reply = DBusMessage(kind: .methodReturn, serial: 6, replySerial: 99)
        #expect(try DBusMessage(marshaled: reply.marshaled()) == reply)
        // Calls and signals get their header in one libdbus call; optional fields stay optional.
        let bare = DBusMessage(kind: .methodCall, path: try DBusObjectPath("/a"), member: "M", serial: 7)
        #expect(try DBusMessage(marshaled: bare.marshaled()) == bare)
        let signal = DBusMessage(kind: .signal, path: try DBusObjectPath("/s"), interface: "org.example.I",
                                 member: "S", destination: ":1.3", sender: ":1.4", serial: 8, body: [.uint32(1)])
        #expect(try DBusMessage(marshaled: signal.marshaled()) == signal)
        let unserialised = DBusMessage.signal(path: .root, interface: "org.example.I", member: "S")
        #expect(try DBusMessage(marshaled: unserialised.marshaled()).serial == 1)
    }

    @Test func messagesWithUnixFDsCannotBeMarshalledToBytes() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[1])
        let fd = DBusUnixFD(takingOwnershipOf: fds[0])
        let message = DBusMessage.signal(path: .root, interface: "org.example.I", member: "Fd", body: [.variant(.unixFD(fd))])
        #expect { try message.marshaled() } throws: { ($0 as? DBusError)?.kind == .invalidArguments }
    }

    @Test(arguments: [
        [UInt8](), [0x6C], Array(repeating: 0, count: 64), Array(repeating: 0xFF, count: 200),
        [0x6C, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
    ])
    func garbageBytesThrowMalformedMessage(bytes: [UInt8]) {
        #expect { try DBusMessage(marshaled: bytes) } throws: { ($0 as? DBusError)?.kind == .malformedMessage }
    }

    @Test func corruptedValidMessagesNeverCrash() throws {
        let good = try DBusMessage(kind: .methodCall, path: .root, interface: "org.example.I", member: "M",
                                   serial: 1, body: everyShape).marshaled()
        var generator = SystemRandomNumberGenerator()
        for round in 0..<500 {
            var bytes = good
            for _ in 0..<(1 + round % 8) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            do {
                _ = try DBusMessage(marshaled: bytes)
            } catch {
                #expect(error.kind == .malformedMessage || error.kind == .invalidSignature)
            }
        }
        var truncated = good
        truncated.removeLast()
        #expect(throws: DBusError.self) { try DBusMessage(marshaled: truncated) }
    }

    @Test func invalidInputIsRejectedBeforeLibdbus() {
        func kind(_ message: DBusMessage) -> DBusError.Kind? {
            do { try message.validate() } catch { return error.kind }
            return nil
        }
        let base = DBusMessage.signal(path: .root, interface: "org.example.I", member: "S")
        var m = base
        m.body = [.string("a\u{0}b")]
        #expect(kind(m) == .invalidArguments)
        m = base
        m.interface = "nodots"
        #expect(kind(m) == .invalidArguments)
        m = base
        m.member = "1bad"
        #expect(kind(m) == .invalidArguments)
        m = base
        m.destination = "org..x"
        #expect(kind(m) == .invalidArguments)
        m = base
        m.body = [.array(element: .int32, values: [.string("wrong")])]
        #expect(kind(m) == .typeMismatch)
        m = base
        m.body = [.dictionary(key: .variant, value: .string, entries: [])]
        #expect(kind(m) == .invalidSignature)
        m = base
        m.body = [.structure([])]
        #expect(kind(m) == .invalidSignature)
        m = base
        m.interface = "org.freedesktop.DBus.Local"
        #expect(kind(m) == .malformedMessage)
        m = base
        m.member = nil
        #expect(kind(m) == .malformedMessage)
        #expect(kind(DBusMessage(kind: .methodReturn)) == .malformedMessage)
        #expect(kind(DBusMessage(kind: .error, replySerial: 1)) == .malformedMessage)
        var deep = DBusValue.int32(1)
        for _ in 0..<70 { deep = .variant(deep) }
        m = base
        m.body = [deep]
        #expect(kind(m) == .invalidArguments)
    }
}
