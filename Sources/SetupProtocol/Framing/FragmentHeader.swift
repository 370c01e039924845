/// The header at the start of every fragment (SPEC §6.2).
///
/// One octet: bit 7 FIRST, bit 6 LAST, bits 5-0 the sequence number modulo 64 (0 for the first
/// fragment). A FIRST fragment continues with the message length as a big-endian UInt16.
public struct FragmentHeader: Hashable, Sendable {
    /// This fragment starts a message and carries its total length.
    public var isFirst: Bool
    /// This fragment ends the message.
    public var isLast: Bool
    /// The fragment's index in its message, modulo 64.
    public var sequence: UInt8
    /// The message's total length; present exactly on FIRST fragments.
    public var messageLength: UInt16?

    static let firstBit: UInt8 = 0x80
    static let lastBit: UInt8 = 0x40
    static let sequenceMask: UInt8 = 0x3F

    /// Creates a header. `messageLength` must be given exactly when `isFirst`.
    public init(isFirst: Bool, isLast: Bool, sequence: UInt8, messageLength: UInt16?) {
        self.isFirst = isFirst
        self.isLast = isLast
        self.sequence = sequence & Self.sequenceMask
        self.messageLength = messageLength
    }

    /// The encoded size: 3 octets for a FIRST fragment, 1 otherwise.
    public var encodedSize: Int { isFirst ? 3 : 1 }

    /// Appends the header's octets to `bytes`.
    public func encode(into bytes: inout [UInt8]) {
        var octet = sequence & Self.sequenceMask
        if isFirst { octet |= Self.firstBit }
        if isLast { octet |= Self.lastBit }
        bytes.append(octet)
        if isFirst {
            let length = messageLength ?? 0
            bytes.append(UInt8(length >> 8))
            bytes.append(UInt8(length & 0xFF))
        }
    }

    /// Decodes a fragment into its header and payload.
    public static func decode(_ fragment: [UInt8]) throws(ProtocolError) -> (header: FragmentHeader, payload: ArraySlice<UInt8>) {
        guard let octet = fragment.first else { throw ProtocolError(.malformedFragment, detail: "empty fragment") }
        let isFirst = octet & firstBit != 0
        let isLast = octet & lastBit != 0
        let sequence = octet & sequenceMask
        if isFirst {
            guard fragment.count >= 3 else { throw ProtocolError(.malformedFragment, detail: "first fragment shorter than its header") }
            guard sequence == 0 else { throw ProtocolError(.fragmentOutOfOrder, detail: "first fragment with sequence \(sequence)") }
            let length = UInt16(fragment[1]) << 8 | UInt16(fragment[2])
            return (FragmentHeader(isFirst: true, isLast: isLast, sequence: 0, messageLength: length), fragment[3...])
        }
        return (FragmentHeader(isFirst: false, isLast: isLast, sequence: sequence, messageLength: nil), fragment[1...])
    }
}
