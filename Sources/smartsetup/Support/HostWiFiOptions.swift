import ArgumentParser
import DBus
import HostWiFi
import NetworkManager
import SetupCentral
import SetupProtocol

/// `pair --host-wifi` / `--host-wifi-id ID`: take SSID, security, hidden flag and passphrase from
/// the host's own NetworkManager (system bus; `DBUS_SYSTEM_BUS_ADDRESS` selects another, e.g. the
/// simulator's) instead of `--ssid` and a passphrase source. Nothing of the network is printed.
struct HostWiFiOptions: ParsableArguments {
    @Flag(name: .customLong("host-wifi"), help: "Hand over the host's own active Wi-Fi network (SSID, security, passphrase) from NetworkManager.")
    var enabled = false

    @Option(name: .customLong("host-wifi-id"), help: ArgumentHelp("Hand over this saved NetworkManager Wi-Fi connection (id or UUID); implies --host-wifi.", valueName: "ID"))
    var connection: String?

    /// Whether the network comes from NetworkManager.
    var isUsed: Bool { enabled || connection != nil }

    /// Refuses the options that would give the network a second time.
    func validate(ssid: String?, passphraseGiven: Bool, hidden: Bool) throws {
        if isUsed {
            if ssid != nil { throw ValidationError("--host-wifi takes the SSID from NetworkManager: leave out --ssid") }
            if passphraseGiven { throw ValidationError("--host-wifi takes the passphrase from NetworkManager: leave out --passphrase-file/--passphrase-stdin") }
            if hidden { throw ValidationError("--host-wifi takes the hidden flag from NetworkManager: leave out --hidden") }
        } else if ssid == nil {
            throw ValidationError("give the network: --ssid S (with a passphrase source), or --host-wifi")
        }
    }

    /// The credentials of the host's network, with the command's other settings.
    func credentials(staticIPv4: StaticIPv4?, hostname: String?, disableWPS: Bool) async throws(SetupError) -> WiFiCredentials {
        try await Self.source(.system).credentials(
            connection.map { .saved($0) } ?? .active, staticIPv4: staticIPv4, hostname: hostname, disableWPS: disableWPS)
    }

    /// NetworkManager on `bus`, its errors telling to choose a saved connection with `--host-wifi-id`.
    static func source(_ bus: DBusBusAddress) -> HostWiFiSource {
        HostWiFiSource(bus: bus, howToChoose: "choose it with --host-wifi-id ID")
    }
}
