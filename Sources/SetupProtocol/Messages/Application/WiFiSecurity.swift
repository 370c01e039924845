/// The security of a Wi-Fi network (SPEC §8.4). One octet on the wire.
public enum WiFiSecurity: UInt8, Hashable, Sendable, CaseIterable {
    /// No encryption; no passphrase.
    case open = 0
    /// WPA2-Personal (PSK). Passphrase 8-63 printable ASCII, or a 64-hex-digit PSK.
    case wpa2PSK = 1
    /// WPA3-Personal (SAE). Passphrase 8-63 printable ASCII.
    case wpa3SAE = 2
    /// WPA2/WPA3 transition mode. Passphrase 8-63 printable ASCII.
    case wpa2WPA3 = 3
}

/// A Wi-Fi passphrase or raw PSK. Its description never shows the value.
public struct WiFiPassphrase: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The passphrase octets: 8-63 printable ASCII (0x20-0x7E), or 64 hex digits for a raw PSK.
    public let octets: [UInt8]

    /// Validates and wraps a passphrase; throws `.invalidField(.passphrase)` without the value.
    public init(_ octets: [UInt8]) throws(ProtocolError) {
        guard Self.isValid(octets) else { throw .invalid(.passphrase, "must be 8 to 63 printable ASCII characters or 64 hexadecimal digits") }
        self.octets = octets
    }

    /// Validates and wraps a passphrase given as a string.
    public init(_ string: String) throws(ProtocolError) {
        try self.init(Array(string.utf8))
    }

    /// Whether this is a 64-hex-digit raw PSK rather than a passphrase.
    public var isRawPSK: Bool { octets.count == 64 }

    static func isValid(_ octets: [UInt8]) -> Bool {
        if octets.count == 64 { return octets.allSatisfy(isHexDigit) }
        return (8...63).contains(octets.count) && octets.allSatisfy { (0x20...0x7E).contains($0) }
    }

    private static func isHexDigit(_ octet: UInt8) -> Bool {
        (0x30...0x39).contains(octet) || (0x41...0x46).contains(octet) || (0x61...0x66).contains(octet)
    }

    /// "WiFiPassphrase(redacted)".
    public var description: String { "WiFiPassphrase(redacted)" }
    /// "WiFiPassphrase(redacted)".
    public var debugDescription: String { description }

    /// No children: `dump()` and `Mirror` show nothing of the value either.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
