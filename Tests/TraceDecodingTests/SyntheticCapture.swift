import Foundation
import SetupProtocol

/// Builds a btsnoop monitor capture of `session.json`'s happy path (MTU 23) as a central's
/// controller would record it: an advertising report, the characteristic discovery, a read of
/// Info, then every frame of the vector as ATT writes and notifications, one of them split into
/// two HCI ACL fragments. Its key log line comes from `key-schedule.json`'s handshake.
enum SyntheticCapture {
    static let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Protocol/vectors").standardized
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static let infoHandle: UInt16 = 0x0010
    static let requestHandle: UInt16 = 0x0013
    static let eventsHandle: UInt16 = 0x0016
    static let connection: UInt16 = 0x0040

    static func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: vectors.appendingPathComponent(name))) as! [String: Any]
    }

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    /// The key log line of the happy path's handshake.
    static func keyLogLine() throws -> String {
        let handshake = try json("key-schedule.json")["handshake"] as! [String: Any]
        let keys = KeySchedule(
            intermediateSessionKey: SecretBytes(bytes(hex: handshake["isk"] as! String)),
            transcriptHash: bytes(hex: handshake["transcript_hash"] as! String))
        return SessionKeyLogEntry(sessionID: bytes(hex: handshake["sid"] as! String), keys: keys).line
    }

    /// The capture; `discovery: false` leaves out the characteristic discovery (a cached database).
    static func capture(discovery: Bool = true) throws -> [UInt8] {
        var writer = Writer()
        let advertisement = SetupAdvertisement(
            version: 1, authMethod: .displayedPIN, isProvisioned: false, isBusy: false, shortID: ShortID(0x3F0A), deviceClass: .printer)
        let data = advertisement.advertisingData()
        // LE Meta, Advertising Report: 1 report, ADV_IND, public address, data, RSSI.
        let report: [UInt8] = [0x02, 0x01, 0x00, 0x00, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, UInt8(data.count)] + data + [0xC4]
        writer.record(opcode: 3, [0x3E, UInt8(report.count)] + report)
        if discovery {
            func declaration(_ valueHandle: UInt16, _ properties: UInt8, _ uuid: BluetoothUUID) -> [UInt8] {
                le(valueHandle - 1) + [properties] + le(valueHandle) + uuid.littleEndianOctets
            }
            // Read By Type Request (characteristic declarations, 0x2803) and its response, per characteristic.
            for (handle, properties, uuid) in [
                (infoHandle, UInt8(0x02), SetupGATT.infoCharacteristicUUID),
                (requestHandle, 0x0C, SetupGATT.requestCharacteristicUUID),
                (eventsHandle, 0x10, SetupGATT.eventsCharacteristicUUID),
            ] {
                writer.att([0x08] + le(handle - 1) + le(0xFFFF) + le(0x2803), sent: true)
                writer.att([0x09, 21] + declaration(handle, properties, uuid), sent: false)
            }
        }
        let info = try PublicInfo(supportedVersions: [1], shortID: ShortID(0x3F0A), authMethod: .displayedPIN, deviceClass: .printer, model: "Emulated")
        writer.att([0x0A] + le(infoHandle), sent: true)
        writer.att([0x0B] + (try info.encoded()), sent: false)
        let scenario = (try json("session.json")["scenarios"] as! [[String: Any]]).first { $0["name"] as? String == "happy-path" }!
        for (index, frame) in (scenario["frames"] as! [[String: String]]).enumerated() {
            let value = bytes(hex: frame["hex"]!)
            switch frame["op"]! {
            case "write-command": writer.att([0x52] + le(requestHandle) + value, sent: true, split: index == 1)
            case "write-request":
                writer.att([0x12] + le(requestHandle) + value, sent: true)
                writer.att([0x13], sent: false)
            default: writer.att([0x1B] + le(eventsHandle) + value, sent: false)
            }
        }
        return writer.bytes
    }

    static func le(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xff), UInt8(value >> 8)] }

    struct Writer {
        var bytes: [UInt8] = Array("btsnoop\0".utf8) + [0, 0, 0, 1, 0, 0, 0x07, 0xD1]
        var time: UInt64 = 0x00E0_3B8C_A000_0000

        mutating func record(opcode: UInt16, _ data: [UInt8]) {
            func be32(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
            time += 7_500
            bytes += be32(UInt32(data.count)) + be32(UInt32(data.count)) + be32(UInt32(opcode)) + be32(0)
                + be32(UInt32(time >> 32)) + be32(UInt32(time & 0xffff_ffff)) + data
        }

        /// One ATT PDU in L2CAP on CID 4, in one ACL packet or split in two.
        mutating func att(_ pdu: [UInt8], sent: Bool, split: Bool = false) {
            let l2cap = le(UInt16(pdu.count)) + [0x04, 0x00] + pdu
            let opcode: UInt16 = sent ? 4 : 5
            let parts = split ? [Array(l2cap.prefix(6)), Array(l2cap.dropFirst(6))] : [l2cap]
            for (index, part) in parts.enumerated() {
                let flags: UInt16 = index == 0 ? 0x2000 : 0x1000
                record(opcode: opcode, le(connection | flags) + le(UInt16(part.count)) + part)
            }
        }
    }
}
