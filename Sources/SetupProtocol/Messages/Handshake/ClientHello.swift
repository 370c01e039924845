/// The first message, client → printer (SPEC §7.3). Plain.
public struct ClientHello: Hashable, Sendable {
    /// The protocol versions the client offers, 1-8 distinct non-zero values.
    public var offeredVersions: [UInt8]
    /// The CPace session id: 16 fresh random octets per attempt.
    public var sessionID: [UInt8]
    /// The client's self-chosen identity, 16 octets, bound into the channel identifier.
    public var clientID: [UInt8]
    /// The client's CPace share Ya, 32 octets.
    public var share: [UInt8]

    /// Creates a ClientHello, validating sizes.
    public init(offeredVersions: [UInt8], sessionID: [UInt8], clientID: [UInt8], share: [UInt8]) throws(ProtocolError) {
        try validateVersionList(offeredVersions)
        guard sessionID.count == 16 else { throw .invalid(.sessionID, "must be 16 octets") }
        guard clientID.count == 16 else { throw .invalid(.clientID, "must be 16 octets") }
        guard share.count == 32 else { throw .invalid(.share, "must be 32 octets") }
        self.offeredVersions = offeredVersions
        self.sessionID = sessionID
        self.clientID = clientID
        self.share = share
    }

    enum Field {
        static let versions: UInt8 = 1, sessionID: UInt8 = 2, clientID: UInt8 = 3, share: UInt8 = 4
    }

    func encode(into writer: inout TLVWriter) throws(ProtocolError) {
        try writer.append(Field.versions, critical: true, offeredVersions)
        try writer.append(Field.sessionID, critical: true, sessionID)
        try writer.append(Field.clientID, critical: true, clientID)
        try writer.append(Field.share, critical: true, share)
    }

    static func decode(_ body: ArraySlice<UInt8>) throws(ProtocolError) -> ClientHello {
        let fields = try TLVFields(decoding: body, known: [1, 2, 3, 4])
        return try ClientHello(
            offeredVersions: try fields.required(Field.versions), sessionID: try fields.required(Field.sessionID),
            clientID: try fields.required(Field.clientID), share: try fields.required(Field.share))
    }
}

func validateVersionList(_ versions: [UInt8]) throws(ProtocolError) {
    guard (1...8).contains(versions.count), !versions.contains(0), Set(versions).count == versions.count else {
        throw .invalid(.version, "the list must hold 1 to 8 distinct non-zero versions")
    }
}
