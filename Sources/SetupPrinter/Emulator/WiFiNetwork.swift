import SetupProtocol

/// One simulated Wi-Fi network the emulated printer can see and join.
///
/// JSON keys (the `--networks FILE` format): `ssid`, `security` (`open`, `wpa2-psk`, `wpa3-sae`,
/// `wpa2-wpa3`), `passphrase` (omit for open), `rssi` (dBm), `channel`, `band` (`2.4`, `5`, `6`),
/// `hidden`, `dhcp` (`ok`, `no-address`, `static-only`), `joinTimeMs`, `address` (what DHCP
/// hands out, `a.b.c.d/prefix`).
public struct WiFiNetwork: Hashable, Sendable, Codable {
    /// How the network's DHCP server behaves.
    public enum DHCPBehaviour: String, Hashable, Sendable, Codable {
        /// Hands out ``WiFiNetwork/address``.
        case ok
        /// Never answers: joining without a static address fails with "no address".
        case noAddress = "no-address"
        /// No DHCP at all; only a static configuration gets an address.
        case staticOnly = "static-only"
    }

    /// The SSID (UTF-8).
    public var ssid: String
    /// The security, as spelled in the JSON file.
    public var security: String
    /// The passphrase; nil for an open network. Never printed.
    public var passphrase: String?
    /// Signal strength in dBm.
    public var rssi: Int
    /// The channel number.
    public var channel: Int
    /// The band: "2.4", "5" or "6".
    public var band: String
    /// Whether the SSID is not broadcast (a client must say `hidden` to join it).
    public var hidden: Bool?
    /// DHCP behaviour.
    public var dhcp: DHCPBehaviour
    /// How long joining takes, in milliseconds.
    public var joinTimeMs: Int
    /// The address DHCP hands out, "a.b.c.d/prefix".
    public var address: String?

    /// Creates a network entry.
    public init(
        ssid: String, security: String, passphrase: String?, rssi: Int, channel: Int, band: String,
        hidden: Bool? = nil, dhcp: DHCPBehaviour = .ok, joinTimeMs: Int = 300, address: String? = nil
    ) {
        self.ssid = ssid
        self.security = security
        self.passphrase = passphrase
        self.rssi = rssi
        self.channel = channel
        self.band = band
        self.hidden = hidden
        self.dhcp = dhcp
        self.joinTimeMs = joinTimeMs
        self.address = address
    }

    /// The security as the protocol's enum, or nil when the JSON spelling is unknown.
    public var wifiSecurity: WiFiSecurity? {
        switch security {
        case "open": return .open
        case "wpa2-psk": return .wpa2PSK
        case "wpa3-sae": return .wpa3SAE
        case "wpa2-wpa3": return .wpa2WPA3
        default: return nil
        }
    }

    /// The band as the protocol's enum, or nil when unknown.
    public var wifiBand: WiFiBand? {
        switch band {
        case "2.4": return .ghz2_4
        case "5": return .ghz5
        case "6": return .ghz6
        default: return nil
        }
    }
}

extension WiFiNetwork: CustomStringConvertible {
    /// SSID, security and behaviour; never the passphrase.
    public var description: String { "WiFiNetwork(\(ssid), \(security), dhcp: \(dhcp.rawValue), join: \(joinTimeMs) ms)" }
}
