/// A 128-bit Bluetooth UUID.
public struct BluetoothUUID: Hashable, Sendable, CustomStringConvertible {
    /// The 16 octets in the order of the string form (big-endian).
    public let octets: [UInt8]

    /// Parses the 8-4-4-4-12 hex form.
    public init?(_ string: String) {
        let hex = string.filter { $0 != "-" }
        guard string.count == 36, hex.count == 32 else { return nil }
        var octets: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let octet = UInt8(hex[index..<next], radix: 16) else { return nil }
            octets.append(octet)
            index = next
        }
        self.octets = octets
    }

    init(octets: [UInt8]) { self.octets = octets }

    /// The octets as they appear in advertising data and ATT PDUs (little-endian).
    public var littleEndianOctets: [UInt8] { octets.reversed() }

    /// Lower-case 8-4-4-4-12 form, as BlueZ spells UUIDs.
    public var description: String {
        let hex = octets.map { byte -> String in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range -> String in
            let start = hex.index(hex.startIndex, offsetBy: range.lowerBound)
            let end = hex.index(hex.startIndex, offsetBy: range.upperBound)
            return String(hex[start..<end])
        }
        return parts.joined(separator: "-")
    }

    /// This UUID with its first 32 bits (the time_low group) increased by `delta`, modulo 2^32.
    public func offsetting(timeLowBy delta: UInt32) -> BluetoothUUID {
        let timeLow = octets[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } &+ delta
        return BluetoothUUID(octets: [UInt8(timeLow >> 24), UInt8(timeLow >> 16 & 0xFF), UInt8(timeLow >> 8 & 0xFF), UInt8(timeLow & 0xFF)] + octets[4...])
    }
}

/// The setup service's GATT layout (SPEC §5).
public enum SetupGATT {
    /// The service UUID, generated once at random for this project.
    public static let serviceUUID = BluetoothUUID(octets: [
        0x6F, 0xA9, 0xA0, 0xE4, 0x37, 0x10, 0x4A, 0xD4, 0xB6, 0xD7, 0x2F, 0x42, 0x6D, 0x4F, 0x97, 0x25,
    ])

    /// Info: read. Public pre-authentication data (``PublicInfo``). UUID = service + 1 in time_low.
    public static let infoCharacteristicUUID = serviceUUID.offsetting(timeLowBy: 1)
    /// Request: write and write-without-response. Client → printer fragments. UUID = service + 2.
    public static let requestCharacteristicUUID = serviceUUID.offsetting(timeLowBy: 2)
    /// Events: notify. Printer → client fragments. UUID = service + 3.
    public static let eventsCharacteristicUUID = serviceUUID.offsetting(timeLowBy: 3)

    /// The Characteristic User Description (0x2901) of Info.
    public static let infoDescription = "smartsetup printer info"
    /// The Characteristic User Description (0x2901) of Request.
    public static let requestDescription = "smartsetup request"
    /// The Characteristic User Description (0x2901) of Events.
    public static let eventsDescription = "smartsetup events"
    /// The UUID of the Characteristic User Description descriptor.
    public static let userDescriptionDescriptorUUID: UInt16 = 0x2901
}
