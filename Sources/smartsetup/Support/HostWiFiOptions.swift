import ArgumentParser
import DBus
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
        let bus: DBusConnection
        do throws(DBusError) {
            bus = try await DBusConnection.open(.system, timeout: .seconds(10))
        } catch {
            throw SetupError(.hostWiFi(.notRunning), "cannot reach the system bus to ask NetworkManager", cause: error)
        }
        defer { bus.close() }
        let network: HostWiFiNetwork
        do throws(NetworkManagerError) {
            network = try await NetworkManagerClient(connection: bus).hostWiFi(connection.map { .saved($0) } ?? .active)
        } catch {
            throw Self.setupError(error)
        }
        return try Self.credentials(network, staticIPv4: staticIPv4, hostname: hostname, disableWPS: disableWPS)
    }

    /// The request's credentials for `network`; a passphrase NetworkManager holds that the
    /// protocol refuses is a usage error that never shows it.
    static func credentials(_ network: HostWiFiNetwork, staticIPv4: StaticIPv4?, hostname: String?, disableWPS: Bool) throws(SetupError) -> WiFiCredentials {
        let security: WiFiSecurity = switch network.security {
        case .open: .open
        case .wpa2: .wpa2PSK
        case .wpa3: .wpa3SAE
        }
        do throws(ProtocolError) {
            let passphrase = try network.passphrase.map { (text) throws(ProtocolError) in try WiFiPassphrase(text) }
            return try WiFiCredentials(
                ssid: network.ssid, security: security, passphrase: passphrase, isHidden: network.hidden,
                staticIPv4: staticIPv4, hostname: hostname, disableWPS: disableWPS)
        } catch {
            throw SetupError(.hostWiFi(.failed), "NetworkManager's settings for this network cannot be sent: \(error.message)", cause: error)
        }
    }

    /// Each NetworkManager failure as the error with its own exit code (40-47).
    static func setupError(_ error: NetworkManagerError) -> SetupError {
        let failure: SetupError.HostWiFiFailure = switch error.kind {
        case .notRunning: .notRunning
        case .noWiFiActive: .noWiFiActive
        case .severalActive: .severalActive
        case .connectionNotFound: .connectionNotFound
        case .permissionDenied: .permissionDenied
        case .secretNotStored: .secretNotStored
        case .unsupportedSecurity: .unsupportedSecurity
        case .failed: .failed
        }
        return SetupError(.hostWiFi(failure), error.message, cause: error)
    }
}
