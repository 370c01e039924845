import SetupPrinter
import SetupProtocol

/// Networks with short join times for tests.
let fastNetworks = NetworkTable(networks: [
    WiFiNetwork(ssid: "HomeNet", security: "wpa2-psk", passphrase: "correct horse battery", rssi: -45, channel: 6, band: "2.4",
                joinTimeMs: 40, address: "192.168.1.57/24"),
    WiFiNetwork(ssid: "StaticOnly", security: "wpa2-psk", passphrase: "static only net", rssi: -62, channel: 149, band: "5",
                dhcp: .staticOnly, joinTimeMs: 40),
    WiFiNetwork(ssid: "NoDHCP", security: "wpa2-psk", passphrase: "no dhcp here", rssi: -58, channel: 44, band: "5",
                dhcp: .noAddress, joinTimeMs: 40),
    WiFiNetwork(ssid: "Slow", security: "wpa2-psk", passphrase: "slow access point", rssi: -80, channel: 3, band: "2.4",
                joinTimeMs: 20_000, address: "192.168.9.9/24"),
])

/// A started emulated printer with the fast table.
func makePrinter(_ id: UInt16 = 0x3F0A, auth: AuthMethod = .displayedPIN) async throws -> EmulatedPrinter {
    var configuration = EmulatorConfiguration(shortID: ShortID(id), authMethod: auth, networks: fastNetworks)
    configuration.joinTimeout = .seconds(30)
    let printer = try EmulatedPrinter(configuration: configuration, output: { _ in })
    await printer.start()
    return printer
}

/// A valid PIN that is not `pin`.
func wrongPIN(not pin: SetupPIN?) -> SetupPIN {
    var random = SystemRandomSource()
    while true {
        let candidate = SetupPIN.generate(using: &random)
        if candidate != pin { return candidate }
    }
}

func credentials(ssid: String = "HomeNet", passphrase: String = "correct horse battery", staticIPv4: StaticIPv4? = nil) throws -> WiFiCredentials {
    try WiFiCredentials(ssid: Array(ssid.utf8), security: .wpa2PSK, passphrase: try WiFiPassphrase(passphrase), staticIPv4: staticIPv4)
}

/// Generous: deadlines in tests only prevent hangs.
let eventDeadline = Duration.seconds(60)
