/// One record of a btsnoop capture in btmon's monitor format (datalink 2001).
public struct MonitorRecord: Sendable, Equatable {
    /// 1-based position in the capture.
    public var number: Int
    /// Microseconds since 0001-01-01 (btsnoop's epoch).
    public var timestamp: UInt64
    /// The controller index (hciN).
    public var controllerIndex: UInt16
    /// The monitor opcode (2 command, 3 event, 4 ACL sent, 5 ACL received, …).
    public var opcode: UInt16
    /// The packet.
    public var data: [UInt8]
}

/// Reads a btsnoop capture (https://www.fte.com/webhelp/bpa600/Content/Technical_Information/BT_Snoop_File_Format.htm,
/// as btmon writes it): a 16-octet header, then records of 24 header octets and their data.
public struct BTSnoopReader: Sendable {
    /// The datalink of btmon's monitor format.
    public static let monitorDatalink: UInt32 = 2001
    /// The most octets a capture may have (the caller reads at most this many).
    public static let maximumCaptureSize = 64 << 20
    /// The most octets one monitor record may carry (an HCI packet and its header).
    public static let maximumRecordSize: UInt32 = 65_535 + 16

    /// Parses the whole capture.
    ///
    /// - Throws: ``TraceError`` for a file that is not btsnoop, another datalink, a truncated or
    ///   oversized record, or more than ``maximumCaptureSize`` octets.
    public static func records(in bytes: [UInt8]) throws(TraceError) -> [MonitorRecord] {
        guard bytes.count <= maximumCaptureSize else { throw .captureTooLarge(limit: maximumCaptureSize) }
        guard bytes.count >= 16, Array(bytes[0..<8]) == Array("btsnoop\0".utf8) else { throw .notBTSnoop }
        let datalink = ByteReader.u32be(bytes, 12)
        guard datalink == monitorDatalink else { throw .unsupportedDatalink(datalink) }
        var records: [MonitorRecord] = []
        var offset = 16
        while offset < bytes.count {
            let number = records.count + 1
            guard bytes.count - offset >= 24 else { throw .truncated(record: number) }
            let included = ByteReader.u32be(bytes, offset + 4)
            let flags = ByteReader.u32be(bytes, offset + 8)
            let timestamp = UInt64(ByteReader.u32be(bytes, offset + 16)) << 32 | UInt64(ByteReader.u32be(bytes, offset + 20))
            guard included <= maximumRecordSize else { throw .recordTooLarge(record: number, length: included) }
            let start = offset + 24
            guard bytes.count - start >= Int(included) else { throw .truncated(record: number) }
            records.append(MonitorRecord(
                number: number, timestamp: timestamp, controllerIndex: UInt16(flags >> 16), opcode: UInt16(flags & 0xffff),
                data: Array(bytes[start..<start + Int(included)])))
            offset = start + Int(included)
        }
        return records
    }
}

/// Bounds-checked little- and big-endian reads.
enum ByteReader {
    static func u32be(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    static func u16le(_ bytes: ArraySlice<UInt8>, _ at: Int) -> UInt16? {
        let index = bytes.startIndex + at
        guard at >= 0, index + 1 < bytes.endIndex else { return nil }
        return UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8
    }
}
