/// The CPace inputs that bind the parties and the versions (SPEC §9.1).
public enum HandshakeBinding {
    /// The version this implementation speaks.
    public static let protocolVersion: UInt8 = 1
    /// The versions this implementation supports, highest first.
    public static let supportedVersions: [UInt8] = [1]

    /// The public PRS of button mode: it protects against eavesdroppers only.
    public static let buttonModePRS: [UInt8] = Array("smartsetup button mode: no PIN, eavesdropper protection only".utf8)

    /// CI = lv_cat("smartsetup", [auth method], short id (2), client id (16)) (SPEC §9.1).
    ///
    /// CI holds no version: the client computes CI before the printer chooses one, and the
    /// offered, chosen and supported versions are bound by ADa/ADb and the transcript hash.
    public static func channelIdentifier(authMethod: AuthMethod, shortID: ShortID, clientID: [UInt8]) -> [UInt8] {
        CPace.lvCat(Array("smartsetup".utf8), [authMethod.rawValue], shortID.octets, clientID)
    }

    /// ADa = "C" || n || offered versions.
    public static func initiatorData(offeredVersions: [UInt8]) -> [UInt8] {
        [0x43, UInt8(offeredVersions.count)] + offeredVersions
    }

    /// ADb = "P" || chosen version || m || supported versions || printer nonce (16).
    public static func responderData(chosenVersion: UInt8, supportedVersions: [UInt8], printerNonce: [UInt8]) -> [UInt8] {
        [0x50, chosenVersion, UInt8(supportedVersions.count)] + supportedVersions + printerNonce
    }

    /// The version both support: the highest of `offered` that `supported` contains.
    public static func chooseVersion(offered: [UInt8], supported: [UInt8]) -> UInt8? {
        offered.filter { supported.contains($0) }.max()
    }
}
