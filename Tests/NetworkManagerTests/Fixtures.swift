import DBus
import NetworkManager
import SimulatedNetworkManager
import TestSupport

/// Profiles like the recorded ones (`Tests/RealNetworkManager/record.sh`), with fake secrets.
enum Profiles {
    static let wpaPSK = SimulatedWiFiProfile.personal(id: "lab-wpa-psk", uuid: "00000000-0000-4000-8000-000000000001", ssid: "HomeNet", passphrase: "correct horse battery")
    static let saeHidden = SimulatedWiFiProfile.personal(
        id: "lab-sae-hidden", uuid: "00000000-0000-4000-8000-000000000002", ssid: "Hidden Café", passphrase: "sae passphrase 42", wpa3: true, hidden: true)
    static let open = SimulatedWiFiProfile(id: "lab-open", uuid: "00000000-0000-4000-8000-000000000003", ssid: Array("OpenNet".utf8), keyManagement: nil, secret: nil)
    static let agentPSK = SimulatedWiFiProfile(
        id: "lab-agent-psk", uuid: "00000000-0000-4000-8000-000000000004", ssid: Array("AgentNet".utf8), keyManagement: "wpa-psk", secret: nil, pskFlags: 1)
    static let enterprise = SimulatedWiFiProfile(
        id: "lab-8021x", uuid: "00000000-0000-4000-8000-000000000005", ssid: Array("CorpNet".utf8), keyManagement: "wpa-eap", secret: "eap secret")
    static let wep = SimulatedWiFiProfile(
        id: "lab-wep", uuid: "00000000-0000-4000-8000-000000000006", ssid: Array("OldNet".utf8), keyManagement: "none", secret: "0123456789")
    static let all = [wpaPSK, saeHidden, open, agentPSK, enterprise, wep]
}

/// A simulated NetworkManager with `profiles` (those in `active` activated) on a private bus, and
/// a client connection to that bus; stopped at the end of the test (`.cleansUp`).
struct Lab {
    let bus: PrivateBus
    let simulation: SimulatedNetworkManager
    let connection: DBusConnection

    static func start(profiles: [SimulatedWiFiProfile] = Profiles.all, active: [String] = []) async throws -> Lab {
        let bus = try await PrivateBus.start()
        let serverConnection = try await bus.connect()
        let simulation = try await SimulatedNetworkManager.start(on: serverConnection, profiles: profiles)
        for id in active { try simulation.activate(id) }
        let connection = try await bus.connect()
        try CleanupScope.atEnd(of: "a simulated NetworkManager") {
            await simulation.stop()
            serverConnection.close()
            connection.close()
        }
        return Lab(bus: bus, simulation: simulation, connection: connection)
    }

    var client: NetworkManagerClient { NetworkManagerClient(connection: connection, timeout: .seconds(10)) }

    /// Calls `member` on the simulation; the reply or the error.
    func call(_ path: String, _ interface: String, _ member: String, _ body: [DBusValue] = []) async throws(DBusError) -> DBusMessage {
        try await connection.call(
            .methodCall(destination: NetworkManagerNames.service, path: try DBusObjectPath(path), interface: interface, member: member, body: body),
            timeout: .seconds(10))
    }
}

/// The error `body` throws, or nil when it returns.
func failure(_ body: () async throws(NetworkManagerError) -> HostWiFiNetwork) async -> NetworkManagerError? {
    do throws(NetworkManagerError) {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}
