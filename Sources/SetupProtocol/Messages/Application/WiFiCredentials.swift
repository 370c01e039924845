/// The SetCredentials request (SPEC §8.4): what the printer needs to join a network.
///
/// Every field is validated on construction and on decoding; the description never shows the
/// passphrase.
public struct WiFiCredentials: Hashable, Sendable, CustomStringConvertible {
    /// The SSID: 1-32 arbitrary octets.
    public let ssid: [UInt8]
    /// The network's security.
    public let security: WiFiSecurity
    /// The passphrase or PSK; nil exactly when `security` is `.open`.
    public let passphrase: WiFiPassphrase?
    /// Whether the network does not broadcast its SSID.
    public let isHidden: Bool
    /// A static IPv4 configuration, or nil for DHCP.
    public let staticIPv4: StaticIPv4?
    /// A hostname: one DNS label of 1-63 letters, digits and hyphens, not starting or ending with a hyphen.
    public let hostname: String?
    /// Whether the printer turns WPS off after joining.
    public let disableWPS: Bool

    /// Creates validated credentials.
    public init(
        ssid: [UInt8], security: WiFiSecurity, passphrase: WiFiPassphrase?, isHidden: Bool = false,
        staticIPv4: StaticIPv4? = nil, hostname: String? = nil, disableWPS: Bool = false
    ) throws(ProtocolError) {
        guard (1...32).contains(ssid.count) else { throw .invalid(.ssid, "must be 1 to 32 octets") }
        switch (security, passphrase) {
        case (.open, nil): break
        case (.open, .some): throw .invalid(.passphrase, "an open network takes none")
        case (_, nil): throw .invalid(.passphrase, "a \(security.name) network needs one")
        case (.wpa3SAE, .some(let p)), (.wpa2WPA3, .some(let p)):
            guard !p.isRawPSK else { throw .invalid(.passphrase, "WPA3 (SAE) takes a passphrase, not 64 hexadecimal digits") }
        case (.wpa2PSK, .some): break
        }
        if let hostname { guard Self.isValidHostname(hostname) else { throw .invalid(.hostname, "must be 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen") } }
        self.ssid = ssid
        self.security = security
        self.passphrase = passphrase
        self.isHidden = isHidden
        self.staticIPv4 = staticIPv4
        self.hostname = hostname
        self.disableWPS = disableWPS
    }

    static func isValidHostname(_ name: String) -> Bool {
        let octets = Array(name.utf8)
        guard (1...63).contains(octets.count), octets.first != 0x2D, octets.last != 0x2D else { return false }
        return octets.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D }
    }

    /// The SSID and security, never the passphrase.
    public var description: String {
        "WiFiCredentials(ssid: \(ssid.count) octets, security: \(security), passphrase: \(passphrase == nil ? "none" : "redacted"), hidden: \(isHidden))"
    }

    enum Field {
        static let ssid: UInt8 = 1, security: UInt8 = 2, passphrase: UInt8 = 3, hidden: UInt8 = 4
        static let staticIPv4: UInt8 = 5, hostname: UInt8 = 6, disableWPS: UInt8 = 7
    }

    func encode(into writer: inout TLVWriter) throws(ProtocolError) {
        try writer.append(Field.ssid, critical: true, ssid)
        try writer.append(Field.security, critical: true, byte: security.rawValue)
        if let passphrase { try writer.append(Field.passphrase, critical: true, passphrase.octets) }
        if isHidden { try writer.append(Field.hidden, critical: true, byte: 1) }
        if let staticIPv4 { try writer.append(Field.staticIPv4, critical: true, staticIPv4.encoded) }
        if let hostname { try writer.append(Field.hostname, critical: true, Array(hostname.utf8)) }
        if disableWPS { try writer.append(Field.disableWPS, critical: true, byte: 1) }
    }

    static func decode(_ body: ArraySlice<UInt8>) throws(ProtocolError) -> WiFiCredentials {
        let fields = try TLVFields(decoding: body, known: [1, 2, 3, 4, 5, 6, 7])
        let ssid = try fields.required(Field.ssid)
        guard let security = WiFiSecurity(rawValue: try fields.required(Field.security).singleByte(.security)) else {
            throw .invalid(.security, "is not a known security type")
        }
        let passphrase = try fields.value(Field.passphrase).map { (v: [UInt8]) throws(ProtocolError) in try WiFiPassphrase(v) }
        let hidden = try fields.value(Field.hidden).map { (v: [UInt8]) throws(ProtocolError) in try decodeFlag(v, .hidden) } ?? false
        let staticIPv4 = try fields.value(Field.staticIPv4).map { (v: [UInt8]) throws(ProtocolError) in try StaticIPv4.decode(v) }
        let hostname = try fields.value(Field.hostname).map { (v: [UInt8]) throws(ProtocolError) -> String in
            guard let s = String(validating: v, as: UTF8.self) else { throw .invalid(.hostname, "must be UTF-8") }
            return s
        }
        let disableWPS = try fields.value(Field.disableWPS).map { (v: [UInt8]) throws(ProtocolError) in try decodeFlag(v, .disableWPS) } ?? false
        return try WiFiCredentials(
            ssid: ssid, security: security, passphrase: passphrase, isHidden: hidden,
            staticIPv4: staticIPv4, hostname: hostname, disableWPS: disableWPS)
    }
}

func decodeFlag(_ value: [UInt8], _ field: ProtocolField) throws(ProtocolError) -> Bool {
    switch try value.singleByte(field) {
    case 0: return false
    case 1: return true
    default: throw .invalid(field, "must be 0 or 1")
    }
}
