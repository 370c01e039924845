import SetupPrinter
import SetupProtocol

/// The Wi-Fi networks the emulated printers of the tests see, with short join times.
public enum TestNetworks {
    /// WPA2, DHCP gives 192.168.1.57/24; passphrase "correct horse battery". The strongest.
    public static let homeNet = WiFiNetwork(
        ssid: "HomeNet", security: "wpa2-psk", passphrase: "correct horse battery", rssi: -45, channel: 6, band: "2.4",
        joinTimeMs: 40, address: "192.168.1.57/24")
    /// WPA2, no DHCP: joins only with a static address; passphrase "static only net".
    public static let staticOnly = WiFiNetwork(
        ssid: "StaticOnly", security: "wpa2-psk", passphrase: "static only net", rssi: -62, channel: 149, band: "5",
        dhcp: .staticOnly, joinTimeMs: 40)
    /// WPA2, joins but never gets an address; passphrase "no dhcp here".
    public static let noDHCP = WiFiNetwork(
        ssid: "NoDHCP", security: "wpa2-psk", passphrase: "no dhcp here", rssi: -58, channel: 44, band: "5",
        dhcp: .noAddress, joinTimeMs: 40)
    /// WPA2, takes 20 s to join (for timeouts); passphrase "slow access point".
    public static let slow = WiFiNetwork(
        ssid: "Slow", security: "wpa2-psk", passphrase: "slow access point", rssi: -80, channel: 3, band: "2.4",
        joinTimeMs: 20_000, address: "192.168.9.9/24")

    /// All four: the table of the in-memory printers (SetupCentralTests).
    public static let all = NetworkTable(networks: [homeNet, staticOnly, noDHCP, slow])
    /// HomeNet, StaticOnly and Slow: the table of the printers on the simulated BlueZ
    /// (EndToEndTests, whose wifi-scan over the executable lists exactly these three).
    public static let lab = NetworkTable(networks: [homeNet, staticOnly, slow])
}

/// An emulator configuration for tests: short id `shortID`, `auth`, the `networks` table and a
/// 30 s join timeout (generous: it only prevents hangs).
public func testPrinterConfiguration(
    shortID: UInt16 = 0x3F0A, auth: AuthMethod = .displayedPIN, networks: NetworkTable
) -> EmulatorConfiguration {
    var configuration = EmulatorConfiguration(shortID: ShortID(shortID), authMethod: auth, networks: networks)
    configuration.joinTimeout = .seconds(30)
    return configuration
}

/// WPA2 credentials for `ssid` (HomeNet by default, with its passphrase).
public func credentials(
    ssid: String = "HomeNet", passphrase: String = "correct horse battery", staticIPv4: StaticIPv4? = nil
) throws -> WiFiCredentials {
    try WiFiCredentials(ssid: Array(ssid.utf8), security: .wpa2PSK, passphrase: try WiFiPassphrase(passphrase), staticIPv4: staticIPv4)
}

/// A valid setup PIN that is not `pin`.
public func wrongPIN(not pin: SetupPIN?) -> SetupPIN {
    var random = SystemRandomSource()
    while true {
        let candidate = SetupPIN.generate(using: &random)
        if candidate != pin { return candidate }
    }
}
