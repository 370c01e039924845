/// The manufacturer-specific data a printer in setup mode advertises (SPEC §4).
///
/// Payload (5 octets, after the company id): version, flags, short id (2, big-endian), device
/// class. Flags: bits 1-0 auth method, bit 2 provisioned, bit 3 busy, bits 7-4 zero.
public struct SetupAdvertisement: Hashable, Sendable {
    /// The company id under which the payload is sent: 0xFFFF, which the Bluetooth SIG reserves
    /// for tests and devices without an assigned id (not for shipping products).
    public static let companyID: UInt16 = 0xFFFF
    /// The payload size.
    public static let payloadSize = 5

    /// The highest protocol version the printer supports.
    public var version: UInt8
    /// How the owner proves presence.
    public var authMethod: AuthMethod
    /// The printer already has network settings.
    public var isProvisioned: Bool
    /// A setup session is active; clients should wait.
    public var isBusy: Bool
    /// The short id the printer shows next to its PIN.
    public var shortID: ShortID
    /// The device class.
    public var deviceClass: DeviceClass

    /// Creates an advertisement payload.
    public init(version: UInt8, authMethod: AuthMethod, isProvisioned: Bool, isBusy: Bool, shortID: ShortID, deviceClass: DeviceClass) {
        self.version = version
        self.authMethod = authMethod
        self.isProvisioned = isProvisioned
        self.isBusy = isBusy
        self.shortID = shortID
        self.deviceClass = deviceClass
    }

    /// The manufacturer data value (what BlueZ's ManufacturerData maps the company id to).
    public var manufacturerData: [UInt8] {
        var flags = authMethod.rawValue
        if isProvisioned { flags |= 0x04 }
        if isBusy { flags |= 0x08 }
        return [version, flags] + shortID.octets + [deviceClass.rawValue]
    }

    /// Decodes the manufacturer data value. Unknown device classes read as `.unspecified`;
    /// reserved flag bits and trailing octets are ignored (a later version may add them).
    public init(manufacturerData data: [UInt8]) throws(ProtocolError) {
        guard data.count >= Self.payloadSize else { throw .malformed("advertisement payload too short") }
        guard data[0] != 0 else { throw .invalid(.version, "must not be 0") }
        guard let method = AuthMethod(rawValue: data[1] & 0x03) else { throw .invalid(.authMethod, "is not a known auth method") }
        self.init(
            version: data[0], authMethod: method, isProvisioned: data[1] & 0x04 != 0, isBusy: data[1] & 0x08 != 0,
            shortID: ShortID(UInt16(data[2]) << 8 | UInt16(data[3])),
            deviceClass: DeviceClass(rawValue: data[4]) ?? .unspecified)
    }

    /// The complete legacy advertising data BlueZ emits for our LEAdvertisement1: Flags (3),
    /// Complete List of 128-bit Service UUIDs (18), Manufacturer Specific Data (9). 30 of 31 octets.
    public func advertisingData(flags: UInt8 = 0x06) -> [UInt8] {
        var bytes: [UInt8] = [0x02, 0x01, flags]
        bytes += [0x11, 0x07] + SetupGATT.serviceUUID.littleEndianOctets
        let payload = manufacturerData
        bytes += [UInt8(3 + payload.count), 0xFF, UInt8(Self.companyID & 0xFF), UInt8(Self.companyID >> 8)] + payload
        return bytes
    }

    /// The legacy advertising PDU's data limit.
    public static let legacyAdvertisingDataLimit = 31
}
