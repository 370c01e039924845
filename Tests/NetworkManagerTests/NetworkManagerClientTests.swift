import DBus
@testable import NetworkManager
import SimulatedNetworkManager
import TestSupport
import Testing

@Suite("NetworkManager client: the host's Wi-Fi from the simulated NetworkManager", .cleansUp, .timeLimit(.minutes(2)))
struct NetworkManagerClientTests {
    @Test func activeWPA2NetworkWithItsPassphrase() async throws {
        let lab = try await Lab.start(active: ["lab-wpa-psk"])
        let network = try await lab.client.hostWiFi()
        #expect(network == HostWiFiNetwork(ssid: Array("HomeNet".utf8), security: .wpa2, passphrase: "correct horse battery", hidden: false))
        #expect(!"\(network)".contains("HomeNet") && !"\(network)".contains("correct horse"))
    }

    @Test func hiddenSAENetworkBySavedIDAndByUUID() async throws {
        let lab = try await Lab.start()
        let expected = HostWiFiNetwork(ssid: Array("Hidden Café".utf8), security: .wpa3, passphrase: "sae passphrase 42", hidden: true)
        #expect(try await lab.client.hostWiFi(.saved("lab-sae-hidden")) == expected)
        #expect(try await lab.client.hostWiFi(.saved(Profiles.saeHidden.uuid)) == expected)
    }

    @Test func openNetworkNeedsNoSecret() async throws {
        let lab = try await Lab.start(active: ["lab-open"])
        lab.simulation.setSecretsGranted(false)
        #expect(try await lab.client.hostWiFi() == HostWiFiNetwork(ssid: Array("OpenNet".utf8), security: .open, passphrase: nil, hidden: false))
    }

    @Test func networkManagerNotRunning() async throws {
        let bus = try await PrivateBus.start()
        let connection = try await bus.connect()
        defer { connection.close() }
        let error = await failure { () throws(NetworkManagerError) in try await NetworkManagerClient(connection: connection).hostWiFi() }
        #expect(error?.kind == .notRunning)
    }

    @Test func noWiFiActive() async throws {
        let lab = try await Lab.start()
        let error = await failure { () throws(NetworkManagerError) in try await lab.client.hostWiFi() }
        #expect(error?.kind == .noWiFiActive)
        #expect(error?.message.contains("--host-wifi=ID") == true)
    }

    @Test func severalActiveAndNoneChosen() async throws {
        let lab = try await Lab.start(active: ["lab-wpa-psk", "lab-sae-hidden"])
        let error = await failure { () throws(NetworkManagerError) in try await lab.client.hostWiFi() }
        #expect(error?.kind == .severalActive(2))
        #expect(try await lab.client.hostWiFi(.saved("lab-wpa-psk")).security == .wpa2, "choosing one by id works")
    }

    @Test func unknownSavedConnection() async throws {
        let lab = try await Lab.start()
        let error = await failure { () throws(NetworkManagerError) in try await lab.client.hostWiFi(.saved("no-such-profile")) }
        #expect(error?.kind == .connectionNotFound)
    }

    @Test func permissionDeniedNamesThePolkitActionAndTheRule() async throws {
        let lab = try await Lab.start(active: ["lab-wpa-psk"])
        lab.simulation.setSecretsGranted(false)
        let error = await failure { () throws(NetworkManagerError) in try await lab.client.hostWiFi() }
        #expect(error?.kind == .permissionDenied)
        let message = error?.message ?? ""
        #expect(message.contains("org.freedesktop.NetworkManager.settings.modify.system"))
        #expect(message.contains("packaging/polkit/50-smartsetup-networkmanager.rules"))
        #expect(!message.contains("HomeNet") && !message.contains("lab-wpa-psk"))
    }

    @Test func secretKeptByAUsersAgent() async throws {
        let lab = try await Lab.start(active: ["lab-agent-psk"])
        let error = await failure { () throws(NetworkManagerError) in try await lab.client.hostWiFi() }
        #expect(error?.kind == .secretNotStored)
    }

    @Test func enterpriseIsUnsupported() async throws {
        let lab = try await Lab.start(active: ["lab-8021x"])
        let error = await failure { () throws(NetworkManagerError) in try await lab.client.hostWiFi() }
        #expect(error?.kind == .unsupportedSecurity(.enterprise))
        #expect(!(error?.message.contains("eap secret") ?? true))
    }

    @Test func wepIsUnsupported() async throws {
        let lab = try await Lab.start()
        let error = await failure { () throws(NetworkManagerError) in try await lab.client.hostWiFi(.saved("lab-wep")) }
        #expect(error?.kind == .unsupportedSecurity(.wep))
    }

    @Test func errorRepliesMapToTheirKinds() {
        #expect(NetworkManagerClient.map(DBusError(errorName: "org.freedesktop.NetworkManager.Settings.PermissionDenied", message: "Insufficient privileges")).kind == .permissionDenied)
        #expect(NetworkManagerClient.map(DBusError(errorName: "org.freedesktop.NetworkManager.AgentManager.NoSecrets", message: "x")).kind == .secretNotStored)
        #expect(NetworkManagerClient.map(DBusError(.serviceUnknown, message: "x")).kind == .notRunning)
        #expect(NetworkManagerClient.map(DBusError(.timedOut, message: "x")).kind == .failed)
    }
}
