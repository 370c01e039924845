import DBus
@testable import HostWiFi
import NetworkManager
import SetupCentral
import SetupProtocol
import SimulatedNetworkManager
import Testing
import TestSupport

/// `HostWiFiSource`: every NetworkManager failure becomes its own exit code (40-47), the security
/// and passphrase become the credentials, and nothing of the network shows in an error.
@Suite(.cleansUp) struct HostWiFiSourceTests {
    let source = HostWiFiSource(bus: .system, howToChoose: "choose it with X")

    @Test(arguments: [
        (NetworkManagerError.Kind.notRunning, Int32(40), "nm-not-running"), (.noWiFiActive, 41, "no-host-wifi"),
        (.severalActive(2), 42, "several-host-wifi"), (.connectionNotFound, 43, "host-wifi-not-found"),
        (.permissionDenied, 44, "nm-permission-denied"), (.secretNotStored, 45, "nm-secret-not-stored"),
        (.unsupportedSecurity(.wep), 46, "host-wifi-unsupported"), (.failed, 47, "nm-failed"),
    ] as [(NetworkManagerError.Kind, Int32, String)])
    func eachFailureHasItsExitCode(_ kind: NetworkManagerError.Kind, _ code: Int32, _ name: String) {
        let error = source.setupError(NetworkManagerError(kind, "what happened"))
        #expect(error.exitCode == code && error.kindName == name)
        let asksForAChoice = kind == .noWiFiActive || kind == .severalActive(2)
        #expect(error.message == "what happened" + (asksForAChoice ? " (choose it with X)" : ""))
    }

    @Test func securityAndPassphraseBecomeTheCredentials() throws {
        let wpa3 = try HostWiFiSource.credentials(
            HostWiFiNetwork(ssid: Array("Lab".utf8), security: .wpa3, passphrase: "sae passphrase 42", hidden: true),
            staticIPv4: nil, hostname: "printer-1", disableWPS: true)
        #expect(wpa3.security == .wpa3SAE && wpa3.isHidden && wpa3.hostname == "printer-1" && wpa3.disableWPS)
        #expect(wpa3.passphrase == (try WiFiPassphrase("sae passphrase 42")))
        let open = try HostWiFiSource.credentials(
            HostWiFiNetwork(ssid: Array("OpenNet".utf8), security: .open, passphrase: nil, hidden: false), staticIPv4: nil, hostname: nil, disableWPS: false)
        #expect(open.security == .open && open.passphrase == nil)
        // A PSK NetworkManager holds that the protocol refuses: nm-failed, and the PSK is not shown.
        do throws(SetupError) {
            _ = try HostWiFiSource.credentials(
                HostWiFiNetwork(ssid: Array("Lab".utf8), security: .wpa2, passphrase: "short7!", hidden: false), staticIPv4: nil, hostname: nil, disableWPS: false)
            Issue.record("a 7-character PSK was taken")
        } catch {
            #expect(error.kindName == "nm-failed" && !error.message.contains("short7!"), "\(error)")
        }
    }

    @Test func failuresReadFromNetworkManager() async throws {
        let bus = try await PrivateBus.start()
        let serverConnection = try await bus.connect()
        let agentOwned = SimulatedWiFiProfile(
            id: "p-4711", uuid: "00000000-0000-4000-8000-0000000000a1", ssid: Array("AgentNet".utf8), keyManagement: "wpa-psk", secret: nil, pskFlags: 1)
        let enterprise = SimulatedWiFiProfile(
            id: "p-4712", uuid: "00000000-0000-4000-8000-0000000000a2", ssid: Array("CorpNet".utf8), keyManagement: "wpa-eap", secret: "eap secret")
        let home = SimulatedWiFiProfile.personal(id: "p-4713", uuid: "00000000-0000-4000-8000-0000000000a3", ssid: "HomeNet", passphrase: "correct horse battery")
        let simulation = try await SimulatedNetworkManager.start(on: serverConnection, profiles: [agentOwned, enterprise, home])
        try CleanupScope.atEnd(of: "a simulated NetworkManager") {
            await simulation.stop()
            serverConnection.close()
        }
        let source = HostWiFiSource(bus: .address(bus.address), howToChoose: "choose it with X")
        func failure(_ selection: HostWiFiSelection) async -> SetupError? {
            do throws(SetupError) {
                _ = try await source.credentials(selection, staticIPv4: nil, hostname: nil, disableWPS: false)
                return nil
            } catch {
                return error
            }
        }
        #expect(await failure(.saved("p-4711"))?.exitCode == 45)
        #expect(await failure(.saved("p-4712"))?.exitCode == 46)
        try simulation.activate("p-4713")
        try simulation.activate("p-4712")
        let several = await failure(.active)
        #expect(several?.exitCode == 42 && several?.message.hasSuffix("(choose it with X)") == true, "\(String(describing: several))")
        let chosen = try await source.credentials(.saved("p-4713"), staticIPv4: nil, hostname: nil, disableWPS: false)
        #expect(chosen.ssid == Array("HomeNet".utf8) && chosen.security == .wpa2PSK)
        for error in [await failure(.saved("p-4711")), several].compactMap({ $0 }) {
            #expect(!["AgentNet", "CorpNet", "HomeNet", "p-47", "eap secret", "correct horse"].contains { error.message.contains($0) }, "\(error)")
        }
    }
}
