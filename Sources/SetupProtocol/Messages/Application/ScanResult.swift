/// The radio band of a scanned network. One octet on the wire.
public enum WiFiBand: UInt8, Hashable, Sendable, CaseIterable {
    /// 2.4 GHz.
    case ghz2_4 = 1
    /// 5 GHz.
    case ghz5 = 2
    /// 6 GHz.
    case ghz6 = 3
}

/// One network as the printer sees it (SPEC §8.3).
public struct ScanResult: Hashable, Sendable {
    /// The SSID, 0-32 octets (0 for a hidden network).
    public var ssid: [UInt8]
    /// Received signal strength in dBm.
    public var rssi: Int8
    /// The network's security.
    public var security: WiFiSecurity
    /// The channel number (1-233).
    public var channel: UInt16
    /// The band.
    public var band: WiFiBand

    /// Creates a scan result; throws `.invalidField(.ssid)` for an SSID over 32 octets.
    public init(ssid: [UInt8], rssi: Int8, security: WiFiSecurity, channel: UInt16, band: WiFiBand) throws(ProtocolError) {
        guard ssid.count <= 32 else { throw .invalid(.ssid, "must be at most 32 octets") }
        guard (1...233).contains(channel) else { throw .invalid(.channel, "must be 1 to 233") }
        self.ssid = ssid
        self.rssi = rssi
        self.security = security
        self.channel = channel
        self.band = band
    }

    /// The most networks one ScanResults message carries.
    public static let maximumCount = 24

    enum Field {
        static let ssid: UInt8 = 1, rssi: UInt8 = 2, security: UInt8 = 3, channel: UInt8 = 4, band: UInt8 = 5
    }

    func encoded() throws(ProtocolError) -> [UInt8] {
        var writer = TLVWriter()
        try writer.append(Field.ssid, critical: true, ssid)
        try writer.append(Field.rssi, critical: true, byte: UInt8(bitPattern: rssi))
        try writer.append(Field.security, critical: true, byte: security.rawValue)
        try writer.append(Field.channel, critical: true, channel.bigEndianBytes)
        try writer.append(Field.band, critical: true, byte: band.rawValue)
        return writer.bytes
    }

    static func decode(_ value: [UInt8]) throws(ProtocolError) -> ScanResult {
        let fields = try TLVFields(decoding: value[...], known: [1, 2, 3, 4, 5])
        let rssi = Int8(bitPattern: try fields.required(Field.rssi).singleByte(.rssi))
        guard let security = WiFiSecurity(rawValue: try fields.required(Field.security).singleByte(.security)) else {
            throw .invalid(.security, "is not a known security type")
        }
        guard let band = WiFiBand(rawValue: try fields.required(Field.band).singleByte(.band)) else { throw .invalid(.band, "is not a known band") }
        return try ScanResult(
            ssid: try fields.required(Field.ssid), rssi: rssi, security: security,
            channel: try fields.required(Field.channel).uint16(.channel), band: band)
    }
}
