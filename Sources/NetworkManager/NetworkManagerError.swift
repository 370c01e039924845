/// Why the host's Wi-Fi could not be taken from NetworkManager: a `kind` to switch on and a
/// message for a person. Neither ever holds the SSID, the profile's name or the passphrase.
public struct NetworkManagerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// NetworkManager does not own its name on the bus (or the bus is unreachable).
        case notRunning
        /// No active connection of type `802-11-wireless`.
        case noWiFiActive
        /// Several Wi-Fi connections are active and none was chosen; the count.
        case severalActive(Int)
        /// No saved Wi-Fi profile with the given id or UUID.
        case connectionNotFound
        /// NetworkManager (polkit) refused to give the secret to this user.
        case permissionDenied
        /// The passphrase is kept by a user's secret agent, not in system storage.
        case secretNotStored
        /// The network's security cannot be handed over (802.1X, WEP, OWE).
        case unsupportedSecurity(UnsupportedSecurity)
        /// NetworkManager answered something unexpected, failed, or did not answer in time.
        case failed
    }

    /// Security a printer cannot be given by this handoff.
    public enum UnsupportedSecurity: String, Sendable, Hashable {
        /// `wpa-eap`, `wpa-eap-suite-b-192`: per-user credentials, not one passphrase.
        case enterprise
        /// `key-mgmt none` inside `802-11-wireless-security`, or `ieee8021x` (dynamic WEP).
        case wep
        /// `owe` (Wi-Fi Enhanced Open).
        case enhancedOpen
    }

    /// The polkit action NetworkManager checks for `GetSecrets` of a system profile.
    public static let secretsAction = "org.freedesktop.NetworkManager.settings.modify.system"
    /// Where the repository keeps the rule that grants it to the `smartsetup` user.
    public static let shippedRule = "packaging/polkit/50-smartsetup-networkmanager.rules (install into /etc/polkit-1/rules.d/)"

    public var kind: Kind
    /// For a person; never holds a secret or the SSID.
    public var message: String

    /// An error of `kind` with `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static let notRunning = NetworkManagerError(.notRunning, "NetworkManager is not running (nobody owns org.freedesktop.NetworkManager on the system bus)")
    static let noWiFiActive = NetworkManagerError(.noWiFiActive, "this host has no active Wi-Fi connection in NetworkManager; name a saved one with --host-wifi=ID")
    static func severalActive(_ count: Int) -> NetworkManagerError {
        NetworkManagerError(.severalActive(count), "\(count) Wi-Fi connections are active; choose one by id or UUID with --host-wifi=ID")
    }
    static let connectionNotFound = NetworkManagerError(.connectionNotFound, "NetworkManager has no saved Wi-Fi connection with that id or UUID")
    static let permissionDenied = NetworkManagerError(
        .permissionDenied,
        "NetworkManager refused to give this user the Wi-Fi passphrase (polkit action \(secretsAction) is not granted); run as root or install the rule \(shippedRule)")
    static let secretNotStored = NetworkManagerError(
        .secretNotStored,
        "NetworkManager does not store this connection's passphrase: it is kept by a user's secret agent (psk-flags); store it for all users (nmcli connection modify ID wifi-sec.psk-flags 0 wifi-sec.psk ...) or give the passphrase yourself")
    static func unsupported(_ security: UnsupportedSecurity) -> NetworkManagerError {
        let what = switch security {
        case .enterprise: "an enterprise (802.1X) network: it needs per-user credentials, which a printer cannot be given this way"
        case .wep: "a WEP network: WEP is broken and not supported"
        case .enhancedOpen: "an Enhanced Open (OWE) network, which the setup protocol cannot describe"
        }
        return NetworkManagerError(.unsupportedSecurity(security), "the host's Wi-Fi connection is \(what); nothing was sent")
    }
    static func failed(_ what: String) -> NetworkManagerError { NetworkManagerError(.failed, "NetworkManager: \(what)") }
}
