/// A reassembled message on the Request or Events characteristic (SPEC §7.2): one type octet,
/// then a body.
public enum Record: Hashable, Sendable {
    /// ClientHello (plain).
    case clientHello(ClientHello)
    /// ServerHello (plain).
    case serverHello(ServerHello)
    /// ClientFinish (confirmation, optional sealed message).
    case clientFinish(ClientFinish)
    /// A plain Error, before authentication.
    case error(ErrorReport)
    /// A sealed application message: ciphertext and 16-octet tag.
    case sealed([UInt8])

    /// Record type octets.
    public enum TypeCode {
        /// ClientHello.
        public static let clientHello: UInt8 = 0x01
        /// ServerHello.
        public static let serverHello: UInt8 = 0x02
        /// ClientFinish.
        public static let clientFinish: UInt8 = 0x03
        /// Plain Error.
        public static let error: UInt8 = 0x0F
        /// Sealed application message.
        public static let sealed: UInt8 = 0x10
    }

    /// The record's octets.
    public func encoded() throws(ProtocolError) -> [UInt8] {
        switch self {
        case .clientHello(let hello):
            var writer = TLVWriter(prefix: [TypeCode.clientHello])
            try hello.encode(into: &writer)
            return writer.bytes
        case .serverHello(let hello):
            return try hello.encoded()
        case .clientFinish(let finish):
            var writer = TLVWriter(prefix: [TypeCode.clientFinish])
            try finish.encode(into: &writer)
            return writer.bytes
        case .error(let report):
            var writer = TLVWriter(prefix: [TypeCode.error])
            try report.encode(into: &writer)
            return writer.bytes
        case .sealed(let ciphertext):
            return [TypeCode.sealed] + ciphertext
        }
    }

    /// Decodes a reassembled message.
    public static func decode(_ bytes: [UInt8]) throws(ProtocolError) -> Record {
        guard let type = bytes.first else { throw .malformed("empty record") }
        guard bytes.count <= Fragmenter.maximumMessageSize else { throw ProtocolError(.messageTooLarge) }
        switch type {
        case TypeCode.clientHello: return .clientHello(try ClientHello.decode(bytes[1...]))
        case TypeCode.serverHello: return .serverHello(try ServerHello.decode(record: bytes))
        case TypeCode.clientFinish: return .clientFinish(try ClientFinish.decode(bytes[1...]))
        case TypeCode.error: return .error(try ErrorReport.decode(bytes[1...]))
        case TypeCode.sealed:
            guard bytes.count > 1 + SecureChannel.tagSize else { throw .malformed("sealed record too short") }
            return .sealed(Array(bytes[1...]))
        default: throw ProtocolError(.unknownMessageType(type))
        }
    }
}
