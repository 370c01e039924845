/// The network a saved NetworkManager profile describes, with its passphrase: what the host hands
/// to a printer. Its `description` never shows the SSID or the passphrase.
public struct HostWiFiNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The SSID's octets as NetworkManager keeps them (`ay`; 1-32, not necessarily UTF-8).
    public var ssid: [UInt8]
    public var security: HostWiFiSecurity
    /// The PSK (8-63 characters or 64 hex digits); nil for an open network.
    public var passphrase: String?
    /// `802-11-wireless.hidden`: the network does not broadcast its SSID.
    public var hidden: Bool

    /// A network with these values.
    public init(ssid: [UInt8], security: HostWiFiSecurity, passphrase: String?, hidden: Bool) {
        self.ssid = ssid
        self.security = security
        self.passphrase = passphrase
        self.hidden = hidden
    }

    public var description: String { "Wi-Fi network (\(security.rawValue)\(hidden ? ", hidden" : ""))" }
}

/// The security of a handed-over network, from the profile's `key-mgmt`. Raw values are the
/// values of `smartsetup pair --security`.
public enum HostWiFiSecurity: String, Sendable, Hashable {
    /// No `802-11-wireless-security` setting at all.
    case open
    /// `wpa-psk`.
    case wpa2
    /// `sae`. (NetworkManager 1.42 has no key-mgmt value for the WPA2/WPA3 transition mode.)
    case wpa3
}

/// Which profile to take.
public enum HostWiFiSelection: Sendable, Hashable {
    /// The one active connection of type `802-11-wireless`.
    case active
    /// A saved profile by its `connection.id` or `connection.uuid` (it need not be active).
    case saved(String)
}
