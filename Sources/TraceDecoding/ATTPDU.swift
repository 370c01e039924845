/// The ATT PDUs the decoder follows (Bluetooth Core Vol 3 Part F §3.4).
enum ATTPDU: Equatable {
    /// Read By Type Response: (handle, value) pairs; characteristic declarations among them.
    case readByTypeResponse([(handle: UInt16, value: ArraySlice<UInt8>)])
    /// Read Request on a handle.
    case readRequest(handle: UInt16)
    /// Read Blob Request on a handle.
    case readBlobRequest(handle: UInt16)
    /// Read or Read Blob Response.
    case readResponse([UInt8])
    /// Write Request or Write Command: client → server.
    case write(handle: UInt16, value: [UInt8], withResponse: Bool)
    /// Handle Value Notification or Indication: server → client.
    case notification(handle: UInt16, value: [UInt8])
    /// Multiple Handle Value Notification (EATT): (handle, value) pairs, server → client.
    case multipleNotifications([(handle: UInt16, value: [UInt8])])
    /// Exchange MTU Request or Response.
    case exchangeMTU(UInt16)
    /// Anything else.
    case other(UInt8)

    static func == (lhs: ATTPDU, rhs: ATTPDU) -> Bool { String(describing: lhs) == String(describing: rhs) }

    /// Parses one ATT PDU (the L2CAP payload on CID 4); nil when it is too short for its opcode.
    static func parse(_ pdu: [UInt8]) -> ATTPDU? {
        guard let opcode = pdu.first else { return nil }
        let body = pdu[1...]
        switch opcode {
        case 0x02, 0x03:
            guard let mtu = ByteReader.u16le(body, 0) else { return nil }
            return .exchangeMTU(mtu)
        case 0x09:
            guard let length = body.first, length >= 2 else { return nil }
            var pairs: [(handle: UInt16, value: ArraySlice<UInt8>)] = []
            var at = body.startIndex + 1
            while body.endIndex - at >= Int(length) {
                let handle = UInt16(body[at]) | UInt16(body[at + 1]) << 8
                pairs.append((handle, body[(at + 2)..<(at + Int(length))]))
                at += Int(length)
            }
            return .readByTypeResponse(pairs)
        case 0x0A:
            guard let handle = ByteReader.u16le(body, 0) else { return nil }
            return .readRequest(handle: handle)
        case 0x0C:
            guard let handle = ByteReader.u16le(body, 0) else { return nil }
            return .readBlobRequest(handle: handle)
        case 0x0B, 0x0D:
            return .readResponse(Array(body))
        case 0x12, 0x52:
            guard let handle = ByteReader.u16le(body, 0) else { return nil }
            return .write(handle: handle, value: Array(body.dropFirst(2)), withResponse: opcode == 0x12)
        case 0x1B, 0x1D:
            guard let handle = ByteReader.u16le(body, 0) else { return nil }
            return .notification(handle: handle, value: Array(body.dropFirst(2)))
        case 0x23:
            // handle (2) ‖ length (2) ‖ value, repeated
            var pairs: [(handle: UInt16, value: [UInt8])] = []
            var at = 0
            while let handle = ByteReader.u16le(body, at), let length = ByteReader.u16le(body, at + 2) {
                let start = body.startIndex + at + 4
                guard body.endIndex - start >= Int(length) else { break }
                pairs.append((handle, Array(body[start..<(start + Int(length))])))
                at += 4 + Int(length)
            }
            return .multipleNotifications(pairs)
        default:
            return .other(opcode)
        }
    }

    /// The characteristic declarations in a Read By Type Response: value handle and 128-bit
    /// UUID (as on the wire, little-endian).
    static func characteristics(in pairs: [(handle: UInt16, value: ArraySlice<UInt8>)]) -> [(valueHandle: UInt16, uuid: [UInt8])] {
        pairs.compactMap { pair in
            // properties (1) ‖ value handle (2) ‖ UUID (16, little-endian)
            guard pair.value.count == 19, let handle = ByteReader.u16le(pair.value, 1) else { return nil }
            return (handle, Array(pair.value.suffix(16)))
        }
    }
}
