/// The value of the Info characteristic (SPEC §5.2): public data readable before authentication.
///
/// Not framed: the value is at most 512 octets and read with ATT Read / Read Blob. Reading it is
/// optional; the handshake does not depend on it.
public struct PublicInfo: Hashable, Sendable {
    /// The type octet that starts the value.
    public static let typeCode: UInt8 = 0x30

    /// Every protocol version the printer supports.
    public var supportedVersions: [UInt8]
    /// The printer's short id.
    public var shortID: ShortID
    /// How the owner proves presence.
    public var authMethod: AuthMethod
    /// The device class.
    public var deviceClass: DeviceClass
    /// The model name, 1-64 octets of UTF-8.
    public var model: String

    /// Creates the info value.
    public init(supportedVersions: [UInt8], shortID: ShortID, authMethod: AuthMethod, deviceClass: DeviceClass, model: String) throws(ProtocolError) {
        try validateVersionList(supportedVersions)
        guard (1...64).contains(model.utf8.count) else { throw .invalid(.model, "must be 1 to 64 octets of UTF-8") }
        self.supportedVersions = supportedVersions
        self.shortID = shortID
        self.authMethod = authMethod
        self.deviceClass = deviceClass
        self.model = model
    }

    /// The characteristic value.
    public func encoded() throws(ProtocolError) -> [UInt8] {
        var writer = TLVWriter(prefix: [Self.typeCode])
        try writer.append(1, critical: true, supportedVersions)
        try writer.append(2, critical: true, shortID.octets)
        try writer.append(3, critical: true, byte: authMethod.rawValue)
        try writer.append(4, critical: false, byte: deviceClass.rawValue)
        try writer.append(5, critical: false, Array(model.utf8))
        return writer.bytes
    }

    /// Decodes the characteristic value.
    public init(decoding bytes: [UInt8]) throws(ProtocolError) {
        guard bytes.first == Self.typeCode else { throw .malformed("not an Info value") }
        guard bytes.count <= 512 else { throw ProtocolError(.messageTooLarge) }
        let fields = try TLVFields(decoding: bytes[1...], known: [1, 2, 3, 4, 5])
        let id = try fields.required(2).uint16(.shortID)
        guard let method = AuthMethod(rawValue: try fields.required(3).singleByte(.authMethod)) else { throw .invalid(.authMethod, "is not a known auth method") }
        let deviceClass = try fields.required(4).singleByte(.deviceClass)
        try self.init(
            supportedVersions: try fields.required(1), shortID: ShortID(id), authMethod: method,
            deviceClass: DeviceClass(rawValue: deviceClass) ?? .unspecified, model: try utf8(fields.required(5), .model))
    }
}
