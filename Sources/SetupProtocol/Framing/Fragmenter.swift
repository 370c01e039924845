/// Splits a message into fragments that each fit one ATT value (SPEC §6.3).
public enum Fragmenter {
    /// The largest message, in octets, that either side sends or reassembles.
    public static let maximumMessageSize = 2048

    /// The fragments of `message` for an ATT MTU of `mtu` (clamped to 23...515).
    ///
    /// Fragment 0 has FIRST and the length; each fragment is filled to MTU - 3 octets except the
    /// last; sequence numbers count up modulo 64.
    public static func fragments(of message: [UInt8], mtu: Int) throws(ProtocolError) -> [[UInt8]] {
        guard !message.isEmpty else { throw ProtocolError(.malformedMessage, detail: "empty message") }
        guard message.count <= maximumMessageSize else { throw ProtocolError(.messageTooLarge) }
        let valueSize = ATTLimits.valueSize(forMTU: mtu)
        var fragments: [[UInt8]] = []
        var offset = 0
        var index = 0
        while offset < message.count {
            let isFirst = index == 0
            let headerSize = isFirst ? 3 : 1
            let take = min(valueSize - headerSize, message.count - offset)
            let isLast = offset + take == message.count
            let header = FragmentHeader(
                isFirst: isFirst, isLast: isLast, sequence: UInt8(index & 0x3F),
                messageLength: isFirst ? UInt16(message.count) : nil)
            var fragment: [UInt8] = []
            fragment.reserveCapacity(headerSize + take)
            header.encode(into: &fragment)
            fragment.append(contentsOf: message[offset..<(offset + take)])
            fragments.append(fragment)
            offset += take
            index += 1
        }
        return fragments
    }
}
