/// The client's second message (SPEC §7.5): its confirmation tag and, optionally, the first
/// sealed application message (usually SetCredentials), so credentials arrive in the second
/// round trip.
public struct ClientFinish: Hashable, Sendable {
    /// The client's confirmation tag, 32 octets.
    public var confirmation: [UInt8]
    /// The first application message sealed with client counter 0, or nil.
    public var sealedMessage: [UInt8]?

    /// Creates a ClientFinish.
    public init(confirmation: [UInt8], sealedMessage: [UInt8]?) throws(ProtocolError) {
        guard confirmation.count == 32 else { throw .invalid(.confirmation, "must be 32 octets") }
        if let sealedMessage { guard sealedMessage.count > SecureChannel.tagSize else { throw .malformed("sealed message too short") } }
        self.confirmation = confirmation
        self.sealedMessage = sealedMessage
    }

    enum Field {
        static let confirmation: UInt8 = 1, sealedMessage: UInt8 = 2
    }

    func encode(into writer: inout TLVWriter) throws(ProtocolError) {
        try writer.append(Field.confirmation, critical: true, confirmation)
        if let sealedMessage { try writer.append(Field.sealedMessage, critical: true, sealedMessage) }
    }

    static func decode(_ body: ArraySlice<UInt8>) throws(ProtocolError) -> ClientFinish {
        let fields = try TLVFields(decoding: body, known: [1, 2])
        return try ClientFinish(confirmation: try fields.required(Field.confirmation), sealedMessage: fields.value(Field.sealedMessage))
    }
}
