import DBus
import SetupDaemon
import SimulatedNetworkManager
import Testing
import TestSupport

/// `Pair` with `HostNetwork`: the network comes from the simulated NetworkManager on the lab's
/// bus (the daemon's `networkManagerBus`), and each way that fails ends the job with the CLI's
/// `--host-wifi` error name and exit code.
@Suite(.cleansUp) struct HostNetworkTests {
    static let home = SimulatedWiFiProfile.personal(
        id: "home", uuid: "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", ssid: "HomeNet", passphrase: "correct horse battery")

    /// A simulated NetworkManager on the bench's bus with `profiles`, stopped by the cleanup scope.
    private func networkManager(_ bench: DaemonBench, _ profiles: [SimulatedWiFiProfile] = [home]) async throws -> SimulatedNetworkManager {
        let simulation = try await SimulatedNetworkManager.start(busAddress: bench.lab.busAddress, profiles: profiles)
        try CleanupScope.atEnd(of: "the simulated NetworkManager") { await simulation.stop() }
        return simulation
    }

    private func history(_ client: DBusConnection) async throws -> [[String: DBusValue]] {
        let reply = try await client.callService(ServiceNames.managerPath, ServiceNames.manager, "GetHistory", [.propertyDictionary([:])])
        guard case .array(_, let values)? = reply.first else { throw DBusError(.typeMismatch, message: "not aa{sv}") }
        return try values.map { try $0.propertyDictionary() }
    }

    @Test func thePrinterJoinsTheHostsNetworkAndThePassphraseShowsNowhere() async throws {
        let bench = try await DaemonBench.start()
        let simulation = try await networkManager(bench)
        try simulation.activate("home")
        let client = try await bench.client()
        let job = try await client.submit("Pair", ["Printer": .string("3F0A"), "PIN": .string(try bench.pin()), "HostNetwork": .boolean(true)])
        let done = try await client.finished(job)
        // 192.168.1.57/24 is what the printer's table gives on HomeNet with its passphrase.
        #expect(done["State"]?.string == "succeeded" && done["Address"]?.string == "192.168.1.57/24", "\(done)")
        var records: [[String: DBusValue]] = []
        try await eventually("the job recorded") {
            records = try await history(client)
            return records.count == 1
        }
        #expect(records.first?["SSID"] == .bytes(Array("HomeNet".utf8)), "the history names the network handed over")
        let seen = "\(done) \(records) \(bench.logs.all)"
        #expect(!seen.contains("correct horse"), "the passphrase in a property, record or log line")
        #expect(!"\(done)".contains("HomeNet"), "nor the SSID in the job's properties")

        // A saved profile by id that NetworkManager does not have: the CLI's host-wifi-not-found.
        let unknown = try await client.finished(try await client.submit("Pair", [
            "Printer": .string("3F0A"), "PIN": .string(try bench.pin()), "HostNetworkId": .string("office"),
        ]))
        #expect(unknown["State"]?.string == "failed" && unknown["Error"]?.string == "host-wifi-not-found" && unknown["ExitCode"] == .int32(43), "\(unknown)")
    }

    @Test func noNetworkManagerAndNoWiFiActiveFailTheJobWithTheirOwnCodes() async throws {
        let bench = try await DaemonBench.start()
        let client = try await bench.client()
        let request: [String: DBusValue] = ["Printer": .string("3F0A"), "PIN": .string(try bench.pin()), "HostNetwork": .boolean(true)]
        let absent = try await client.finished(try await client.submit("Pair", request))
        #expect(absent["State"]?.string == "failed" && absent["Error"]?.string == "nm-not-running" && absent["ExitCode"] == .int32(40), "\(absent)")

        _ = try await networkManager(bench)
        let inactive = try await client.finished(try await client.submit("Pair", request))
        #expect(inactive["Error"]?.string == "no-host-wifi" && inactive["ExitCode"] == .int32(41), "\(inactive)")
        #expect(inactive["Message"]?.string?.contains("HostNetworkId") == true, "the message tells how to name a saved one: \(inactive)")
    }

    @Test func aPassphraseNetworkManagerWillNotGiveIsPermissionDenied() async throws {
        let bench = try await DaemonBench.start()
        let simulation = try await networkManager(bench)
        try simulation.activate("home")
        simulation.setSecretsGranted(false)
        let client = try await bench.client()
        let done = try await client.finished(try await client.submit("Pair", [
            "Printer": .string("3F0A"), "PIN": .string(try bench.pin()), "HostNetwork": .boolean(true),
        ]))
        #expect(done["State"]?.string == "failed" && done["Error"]?.string == "nm-permission-denied" && done["ExitCode"] == .int32(44), "\(done)")
        #expect(done["Message"]?.string?.contains("org.freedesktop.NetworkManager.settings.modify.system") == true, "\(done)")
    }

    @Test func hostNetworkWithTheNetworksKeysIsRefusedAtOnce() async throws {
        let bench = try await DaemonBench.start()
        let client = try await bench.client()
        for key: String in ["SSID", "Security", "Passphrase", "Hidden"] {
            let value: DBusValue = switch key {
            case "SSID": .bytes(Array("HomeNet".utf8))
            case "Security": .string("wpa2")
            case "Passphrase": .unixFD(passphrasePipe(Array("correct horse battery".utf8)).0)
            default: .boolean(true)
            }
            do {
                _ = try await client.submit("Pair", ["Printer": .string("3F0A"), "HostNetwork": .boolean(true), key: value])
                Issue.record("HostNetwork with \(key) was accepted")
            } catch let error as DBusError {
                #expect(error.name == ServiceNames.ErrorName.invalidArguments && error.message.hasPrefix("\(key): excludes HostNetwork"), "\(error)")
            }
        }
    }
}
