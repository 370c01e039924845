import DBus
import NetworkManager
import SetupCentral
import SetupProtocol

/// The host's own Wi-Fi as a printer's credentials: reads the network from NetworkManager
/// (module `NetworkManager`) and turns it, and every way that fails, into what the service
/// takes: `WiFiCredentials` and a `SetupError` with its own exit code (40-47). One mapping for
/// `smartsetup pair --host-wifi` and the daemon's `HostNetwork` request key.
public struct HostWiFiSource: Sendable {
    /// The bus NetworkManager is reached on (the system bus; `DBUS_SYSTEM_BUS_ADDRESS` selects
    /// another, e.g. the simulator's).
    public var bus: DBusBusAddress
    /// How the caller names a saved connection (e.g. `--host-wifi-id ID`, or the `HostNetworkId`
    /// key), added to the errors that ask for one.
    public var howToChoose: String
    /// The deadline of each call to NetworkManager (and of reaching the bus).
    public var timeout: Duration

    /// A source on `bus` whose errors tell to choose a saved connection with `howToChoose`.
    public init(bus: DBusBusAddress = .system, howToChoose: String, timeout: Duration = .seconds(10)) {
        self.bus = bus
        self.howToChoose = howToChoose
        self.timeout = timeout
    }

    /// The credentials of the selected network, with the caller's other settings. Never shows the
    /// SSID or passphrase in an error.
    public func credentials(
        _ selection: HostWiFiSelection, staticIPv4: StaticIPv4?, hostname: String?, disableWPS: Bool
    ) async throws(SetupError) -> WiFiCredentials {
        let connection: DBusConnection
        do throws(DBusError) {
            connection = try await DBusConnection.open(bus, timeout: timeout)
        } catch {
            throw SetupError(.hostWiFi(.notRunning), "cannot reach the system bus to ask NetworkManager", cause: error)
        }
        defer { connection.close() }
        let network: HostWiFiNetwork
        do throws(NetworkManagerError) {
            network = try await NetworkManagerClient(connection: connection, timeout: timeout).hostWiFi(selection)
        } catch {
            throw setupError(error)
        }
        return try Self.credentials(network, staticIPv4: staticIPv4, hostname: hostname, disableWPS: disableWPS)
    }

    /// The credentials for `network`; a passphrase NetworkManager holds that the protocol refuses
    /// fails as `nm-failed` without showing it.
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

    /// Each NetworkManager failure as the error with its own exit code (40-47); the two that ask
    /// for a saved connection say how to name one.
    func setupError(_ error: NetworkManagerError) -> SetupError {
        let failure: SetupError.HostWiFiFailure
        var message = error.message
        switch error.kind {
        case .notRunning: failure = .notRunning
        case .noWiFiActive:
            failure = .noWiFiActive
            message += " (\(howToChoose))"
        case .severalActive:
            failure = .severalActive
            message += " (\(howToChoose))"
        case .connectionNotFound: failure = .connectionNotFound
        case .permissionDenied: failure = .permissionDenied
        case .secretNotStored: failure = .secretNotStored
        case .unsupportedSecurity: failure = .unsupportedSecurity
        case .failed: failure = .failed
        }
        return SetupError(.hostWiFi(failure), message, cause: error)
    }
}
