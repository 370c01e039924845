/// The printer's answer to ClientHello (SPEC §7.4). Plain; its last field is the printer's
/// key-confirmation tag.
public struct ServerHello: Hashable, Sendable {
    /// The version the printer chose from the client's offer.
    public var chosenVersion: UInt8
    /// Every version the printer supports.
    public var supportedVersions: [UInt8]
    /// 16 fresh random octets from the printer.
    public var printerNonce: [UInt8]
    /// The printer's CPace share Yb, 32 octets.
    public var share: [UInt8]
    /// The printer's confirmation tag, 32 octets.
    public var confirmation: [UInt8]
    /// The message octets before the confirmation field: what the transcript hash covers.
    public let transcriptPrefix: [UInt8]

    /// Creates a ServerHello to send; `transcriptPrefix` is computed from the other fields.
    public init(chosenVersion: UInt8, supportedVersions: [UInt8], printerNonce: [UInt8], share: [UInt8], confirmation: [UInt8]) throws(ProtocolError) {
        var writer = TLVWriter(prefix: [Record.TypeCode.serverHello])
        try Self.writeCore(into: &writer, chosenVersion: chosenVersion, supportedVersions: supportedVersions, printerNonce: printerNonce, share: share)
        try self.init(chosenVersion: chosenVersion, supportedVersions: supportedVersions, printerNonce: printerNonce,
                      share: share, confirmation: confirmation, transcriptPrefix: writer.bytes)
    }

    private init(chosenVersion: UInt8, supportedVersions: [UInt8], printerNonce: [UInt8], share: [UInt8], confirmation: [UInt8], transcriptPrefix: [UInt8]) throws(ProtocolError) {
        try validateVersionList(supportedVersions)
        guard supportedVersions.contains(chosenVersion) else { throw .invalid(.version, "the chosen version must be one of the supported ones") }
        guard printerNonce.count == 16 else { throw .invalid(.printerNonce, "must be 16 octets") }
        guard share.count == 32 else { throw .invalid(.share, "must be 32 octets") }
        guard confirmation.count == 32 else { throw .invalid(.confirmation, "must be 32 octets") }
        self.chosenVersion = chosenVersion
        self.supportedVersions = supportedVersions
        self.printerNonce = printerNonce
        self.share = share
        self.confirmation = confirmation
        self.transcriptPrefix = transcriptPrefix
    }

    /// The ServerHello octets without the confirmation field, for computing the transcript
    /// before the tag exists.
    public static func transcriptPrefix(chosenVersion: UInt8, supportedVersions: [UInt8], printerNonce: [UInt8], share: [UInt8]) throws(ProtocolError) -> [UInt8] {
        var writer = TLVWriter(prefix: [Record.TypeCode.serverHello])
        try writeCore(into: &writer, chosenVersion: chosenVersion, supportedVersions: supportedVersions, printerNonce: printerNonce, share: share)
        return writer.bytes
    }

    enum Field {
        static let chosenVersion: UInt8 = 1, supportedVersions: UInt8 = 2, printerNonce: UInt8 = 3, share: UInt8 = 4
        static let confirmation: UInt8 = 5
    }

    private static func writeCore(into writer: inout TLVWriter, chosenVersion: UInt8, supportedVersions: [UInt8], printerNonce: [UInt8], share: [UInt8]) throws(ProtocolError) {
        try writer.append(Field.chosenVersion, critical: true, byte: chosenVersion)
        try writer.append(Field.supportedVersions, critical: true, supportedVersions)
        try writer.append(Field.printerNonce, critical: true, printerNonce)
        try writer.append(Field.share, critical: true, share)
    }

    /// The full message octets.
    func encoded() throws(ProtocolError) -> [UInt8] {
        var writer = TLVWriter(prefix: transcriptPrefix)
        try writer.append(Field.confirmation, critical: true, confirmation)
        return writer.bytes
    }

    /// Decodes a full ServerHello record (`bytes[0]` is the type octet).
    static func decode(record bytes: [UInt8]) throws(ProtocolError) -> ServerHello {
        let fields = try TLVFields(decoding: bytes[1...], known: [1, 2, 3, 4, 5])
        guard let last = fields.fields.last, last.field.number == Field.confirmation else {
            throw .malformed("confirmation is not the last field")
        }
        guard 1 + last.offset + TLVField.headerSize + last.field.value.count == bytes.count else {
            throw .malformed("octets after the confirmation field")
        }
        return try ServerHello(
            chosenVersion: try fields.required(Field.chosenVersion).singleByte(.version),
            supportedVersions: try fields.required(Field.supportedVersions),
            printerNonce: try fields.required(Field.printerNonce), share: try fields.required(Field.share),
            confirmation: last.field.value, transcriptPrefix: Array(bytes[0..<(1 + last.offset)]))
    }
}
