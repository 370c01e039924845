/// The CPace inputs that bind the parties and the version (SPEC §9.2).
public enum HandshakeBinding {
    /// The version this implementation speaks.
    public static let protocolVersion: UInt8 = 1
    /// The versions this implementation supports, highest first.
    public static let supportedVersions: [UInt8] = [1]

    /// The public PRS of button mode: it protects against eavesdroppers only.
    public static let buttonModePRS: [UInt8] = Array("smartsetup button mode: no PIN, eavesdropper protection only".utf8)

    /// CI = lv_cat("smartsetup", [version], [auth method], short id (2), client id (16)).
    public static func channelIdentifier(version: UInt8, authMethod: AuthMethod, shortID: ShortID, clientID: [UInt8]) -> [UInt8] {
        CPace.lvCat(Array("smartsetup".utf8), [version], [authMethod.rawValue], shortID.octets, clientID)
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
