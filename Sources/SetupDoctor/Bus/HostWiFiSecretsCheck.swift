import DBus
import NetworkManager

extension SystemBusChecks {
    /// The polkit rule the Debian package ships as an example (packaging/polkit/README.md).
    static let polkitRuleExample = "/usr/share/doc/smartsetup/examples/50-smartsetup-networkmanager.rules"

    /// Whether NetworkManager gives this user the active Wi-Fi connection's passphrase
    /// (`GetSecrets`), as `--host-wifi` needs: it asks just as `pair --host-wifi` does, through
    /// ``NetworkManagerClient``, and drops the passphrase at once (it is never shown). nil when
    /// NetworkManager is not running (its own line says so). Only `--host-wifi` needs this, so
    /// what stops it is information with a fix, not a warning; an unexpected answer warns.
    func hostWiFiSecretsCheck(_ connection: DBusConnection) async -> DoctorCheck? {
        let id = "networkmanager.secrets", title = "NetworkManager GetSecrets (for --host-wifi)"
        do throws(NetworkManagerError) {
            let network = try await NetworkManagerClient(connection: connection, timeout: timeout).hostWiFi(.active)
            let found = network.passphrase == nil
                ? "the active Wi-Fi connection is open: no passphrase to read"
                : "allowed: this user may read the active Wi-Fi connection's passphrase (\(network.security.rawValue))"
            return DoctorCheck(id: id, title: title, status: .ok, found: found)
        } catch {
            switch error.kind {
            case .notRunning:
                return nil
            case .noWiFiActive, .severalActive:
                return DoctorCheck(id: id, title: title, status: .info, found: "not tried: \(error.message)")
            case .permissionDenied:
                return DoctorCheck(
                    id: id, title: title, status: .info,
                    found: "refused: NetworkManager gives this user no Wi-Fi passphrase (polkit action \(NetworkManagerError.secretsAction) not granted); --host-wifi would exit 44",
                    fix: "for the smartsetup service: `cp \(Self.polkitRuleExample) /etc/polkit-1/rules.d/` (it grants that action to the user smartsetup); otherwise run as root")
            case .secretNotStored, .unsupportedSecurity, .connectionNotFound:
                return DoctorCheck(id: id, title: title, status: .info, found: error.message)
            case .failed:
                return DoctorCheck(
                    id: id, title: title, status: .warning, found: error.message,
                    fix: "see `journalctl -u NetworkManager` and `journalctl -u polkit`")
            }
        }
    }
}
