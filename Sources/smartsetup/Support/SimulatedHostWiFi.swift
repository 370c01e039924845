import DBus
import NetworkManager
import SetupCentral
import SetupPrinter
import SetupProtocol
import SimulatedNetworkManager

/// `sim --host-wifi SSID` and `demo --host-wifi`: a simulated NetworkManager beside the simulated
/// BlueZ, on the same bus, with one active Wi-Fi profile for a network of the emulated printers'
/// table (so the printer can join it with that passphrase).
enum SimulatedHostWiFi {
    /// The profile for `ssid` of `table`; a usage error names the networks the table has.
    static func profile(ssid: String, table: NetworkTable = .builtIn) throws(SetupError) -> SimulatedWiFiProfile {
        guard let network = table.network(named: Array(ssid.utf8)) else {
            throw SetupError(.usage, "--host-wifi: the emulated printers know these networks: \(table.networks.map(\.ssid).joined(separator: ", "))")
        }
        let keyManagement: String? = switch network.wifiSecurity {
        case .open: nil
        case .wpa3SAE: "sae"
        default: "wpa-psk"
        }
        return SimulatedWiFiProfile(
            id: "host-wifi", uuid: "5e7c0b1e-0000-4000-8000-00000000a11f", ssid: Array(network.ssid.utf8), hidden: network.hidden == true,
            keyManagement: keyManagement, secret: network.passphrase)
    }

    /// Starts the simulated NetworkManager on `busAddress` with `profile` active.
    static func start(busAddress: String, profile: SimulatedWiFiProfile) async throws(SetupError) -> SimulatedNetworkManager {
        do throws(DBusError) {
            let simulation = try await SimulatedNetworkManager.start(busAddress: busAddress, profiles: [profile])
            try simulation.activate(profile.uuid)
            return simulation
        } catch {
            throw SetupError(.noAdapter, "cannot start the simulated NetworkManager: \(error.message)", cause: error)
        }
    }

    /// The credentials `pair --host-wifi` would send, read from NetworkManager on `busAddress`.
    static func credentials(busAddress: String) async throws(SetupError) -> WiFiCredentials {
        let bus: DBusConnection
        do throws(DBusError) { bus = try await DBusConnection.open(.address(busAddress)) } catch {
            throw SetupError(.hostWiFi(.notRunning), "cannot reach the simulated NetworkManager's bus", cause: error)
        }
        defer { bus.close() }
        let network: HostWiFiNetwork
        do throws(NetworkManagerError) {
            network = try await NetworkManagerClient(connection: bus).hostWiFi()
        } catch {
            throw HostWiFiOptions.setupError(error)
        }
        return try HostWiFiOptions.credentials(network, staticIPv4: nil, hostname: nil, disableWPS: false)
    }
}
