import DBus
import Foundation
import SetupDaemon
import SetupHistory
import Testing
import TestSupport

/// `smartsetup pair --service --host-wifi` through the built executables: `sim --host-wifi HomeNet`
/// (simulated BlueZ, one printer and a simulated NetworkManager whose active Wi-Fi is HomeNet) on
/// one bus, given to `serve` as its system bus; `serve` owns io.smartsetup1 on a second bus, the
/// only bus the command is given. NetworkManager is reachable from the daemon and not from the
/// command, so a pairing that succeeds shows the daemon read the network (`HostNetwork`), and the
/// command never read the passphrase.
@Suite(.serialized, .cleansUp) struct PairServiceHostWiFiTests {
    @Test func theDaemonReadsTheHostsWiFiAndFailuresExitAsOnTheDirectPath() async throws {
        let sim = try RunningTool.start(
            smartsetupExecutable, ["sim", "--printers", "1", "--interval-ms", "2", "--host-wifi", "HomeNet"], ending: .terminate(grace: .seconds(5)))
        let prefix = "export DBUS_SYSTEM_BUS_ADDRESS='"
        var address: String?
        var pin: String?
        try await eventually("smartsetup sim's export line and the printer's PIN", within: .seconds(30), every: .milliseconds(50)) {
            try #require(sim.isRunning, "sim exited: \(sim.stderr)")
            address = sim.stdout.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count).dropLast()) }
            pin = sim.stderr.firstMatch(of: /\d{4}-\d{4}/).map { String($0.output) }
            return address != nil && pin != nil
        }
        let systemBus = try #require(address)
        let pinFile = FileManager.default.temporaryDirectory.appendingPathComponent("smartsetup-host-wifi-\(UUID())").path
        try (try #require(pin) + "\n").write(toFile: pinFile, atomically: true, encoding: .utf8)
        try CleanupScope.atEnd(of: "the PIN file") { try? FileManager.default.removeItem(atPath: pinFile) }

        let serviceBus = try await PrivateBus.start()
        let state = try await stateDirectory()
        let serve = try RunningTool.start(
            smartsetupExecutable, ["serve", "--bus", serviceBus.address, "--adapter", "hci0", "--log-level", "debug", "--state-dir", state],
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": systemBus])
        let client = try await DBusConnection.open(.address(serviceBus.address))
        try CleanupScope.atEnd(of: "a client") { client.close() }
        try await eventually("serve owns io.smartsetup1 on its own bus", within: .seconds(30)) {
            try #require(serve.isRunning, "serve exited: \(serve.stderr)")
            return try await client.nameOwner(of: ServiceNames.busName) != nil
        }
        func pair(_ arguments: [String], bus: String) async throws -> ToolResult {
            try await Tool.run(
                smartsetupExecutable, ["pair"] + arguments + ["--pin-file", pinFile, "--printer", "3F0A", "--scan-time", "3", "--timeout", "60"],
                environment: ["DBUS_SYSTEM_BUS_ADDRESS": bus], deadline: .seconds(120))
        }

        // A saved connection NetworkManager does not have: 43 on both paths, with the same error line.
        let direct = try await pair(["--host-wifi-id", "no-such-profile"], bus: systemBus)
        let through = try await pair(["--service", "--host-wifi-id", "no-such-profile"], bus: serviceBus.address)
        #expect(direct.status == 43, "\(direct)")
        #expect(through.status == 43, "\(through)\n\(serve.stderr)")
        let errorLine = { (run: ToolResult) in run.stderr.split(separator: "\n").last { $0.contains("[host-wifi-not-found, exit 43]") } }
        #expect(errorLine(direct) != nil && errorLine(direct) == errorLine(through), "direct:\n\(direct.stderr)\nservice:\n\(through.stderr)")

        // The active connection: the printer joins HomeNet with the host's passphrase.
        let paired = try await pair(["--service", "--host-wifi", "--json"], bus: serviceBus.address)
        #expect(paired.status == 0, "\(paired)\n\(serve.stderr)")
        let event = paired.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }.first { $0["event"] as? String == "paired" }
        #expect(event?["address"] as? String == "192.168.1.57/24", "HomeNet's address in the printers' table: \(paired.stdout)")
        #expect(sim.stderr.contains("joining \"HomeNet\" (7 octets"), "\(sim.stderr)")
        let text = try await pair(["--service", "--host-wifi"], bus: serviceBus.address)
        #expect(text.status == 0 && text.stdout.contains("✓ Printer 3F0A joined the host's Wi-Fi network with address 192.168.1.57/24"), "\(text)")
        for run in [direct, through, paired, text] {
            #expect(!run.stdout.contains("correct horse") && !run.stderr.contains("correct horse"), "the passphrase never shows")
            #expect(!run.stdout.contains("HomeNet") && !run.stderr.contains("HomeNet"), "nor the SSID")
        }
        #expect(!serve.stderr.contains("correct horse"), "nor in the daemon's log")

        serve.terminate()
        #expect(await serve.exitStatus() == 0, "\(serve.stderr)")
        // The daemon's history: the failed job and the two pairings, HomeNet's SSID on those.
        let records = try HistoryStore(readingFrom: state).records()
        #expect(records.map(\.outcome).sorted() == ["failed", "succeeded", "succeeded"], "\(records)")
        #expect(records.filter { $0.outcome == "succeeded" }.allSatisfy { $0.ssid == Array("HomeNet".utf8) }, "\(records)")
        sim.terminate()
        #expect(await sim.finish(within: .seconds(30)).status == 0)
    }

    @Test func withoutNetworkManagerBesideTheDaemonTheCommandExitsForty() async throws {
        // serve's system bus (the lab's) has BlueZ and no NetworkManager: the job's nm-not-running
        // comes back as the direct path's exit 40.
        let bench = try await DaemonBench.start(printers: 1, servingOn: nil)
        let serviceBus = try await PrivateBus.start()
        let state = try await stateDirectory()
        let serve = try RunningTool.start(
            smartsetupExecutable, ["serve", "--bus", serviceBus.address, "--adapter", "hci0", "--state-dir", state],
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": bench.lab.busAddress])
        let client = try await DBusConnection.open(.address(serviceBus.address))
        try CleanupScope.atEnd(of: "a client") { client.close() }
        try await eventually("serve owns io.smartsetup1", within: .seconds(30)) {
            try #require(serve.isRunning, "serve exited: \(serve.stderr)")
            return try await client.nameOwner(of: ServiceNames.busName) != nil
        }
        let run = try await Tool.run(
            smartsetupExecutable, ["pair", "--service", "--host-wifi", "--printer", "3F0A", "--pin", try bench.pin(), "--timeout", "30"],
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": serviceBus.address], deadline: .seconds(90))
        #expect(run.status == 40, "\(run)\n\(serve.stderr)")
        #expect(run.stderr.contains("[nm-not-running, exit 40]"), "\(run.stderr)")
        serve.terminate()
        #expect(await serve.exitStatus() == 0)
        // It was the daemon's job that failed so (the command was not the one to ask NetworkManager).
        let records = try HistoryStore(readingFrom: state).records()
        #expect(records.map(\.error) == ["nm-not-running"] && records.map(\.exitCode) == [40], "\(records)")
    }
}
