/// How the central authenticates: with the printer's PIN, or in button mode.
public enum CentralAuthentication: Sendable {
    /// The 8-digit PIN the printer shows or printed.
    case pin(SetupPIN)
    /// Button mode: a fixed public PRS. Protects against eavesdroppers only, not against an
    /// active attacker in range while the printer's button window is open.
    case button

    var prs: SecretBytes {
        switch self {
        case .pin(let pin): return pin.prs
        case .button: return SecretBytes(HandshakeBinding.buttonModePRS)
        }
    }
}

/// What the central knows before it connects.
public struct CentralConfiguration: Sendable {
    /// The printer's advertisement (short id, auth method, version).
    public var advertisement: SetupAdvertisement
    /// This client's 16-octet identity, bound into the channel identifier.
    public var clientID: [UInt8]
    /// The versions offered in ClientHello.
    public var offeredVersions: [UInt8]

    /// Creates a configuration; `clientID` must be 16 octets.
    public init(advertisement: SetupAdvertisement, clientID: [UInt8], offeredVersions: [UInt8] = HandshakeBinding.supportedVersions) throws(ProtocolError) {
        guard clientID.count == 16 else { throw .invalid(.clientID, "must be 16 octets") }
        try validateVersionList(offeredVersions)
        self.advertisement = advertisement
        self.clientID = clientID
        self.offeredVersions = offeredVersions
    }
}
