import Foundation
import Testing
import TestSupport

/// `pair --host-wifi` end to end through the built executable: `sim --host-wifi HomeNet` serves
/// the simulated BlueZ with one emulated printer and a simulated NetworkManager whose active
/// Wi-Fi is HomeNet; `pair --host-wifi` takes SSID, security and passphrase from it and the
/// printer joins that network with that passphrase (a wrong one ends in exit 17, another SSID in 18).
@Suite(.serialized, .cleansUp) struct HostWiFiCommandTests {
    @Test func pairHandsOverTheHostsWiFiAndThePrinterJoinsIt() async throws {
        let sim = try RunningTool.start(
            smartsetupExecutable, ["sim", "--printers", "1", "--interval-ms", "2", "--host-wifi", "HomeNet"], ending: .smartsetup)
        let prefix = "export DBUS_SYSTEM_BUS_ADDRESS='"
        var address: String?
        var pin: String?
        try await eventually("smartsetup sim's export line and the printer's PIN", within: .seconds(30), every: .milliseconds(50)) {
            address = sim.stdout.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count).dropLast()) }
            pin = sim.stderr.firstMatch(of: /\d{4}-\d{4}/).map { String($0.output) }
            return address != nil && pin != nil
        }
        let bus = try #require(address)
        let pinFile = FileManager.default.temporaryDirectory.appendingPathComponent("smartsetup-host-wifi-\(UUID())").path
        try (try #require(pin) + "\n").write(toFile: pinFile, atomically: true, encoding: .utf8)
        try CleanupScope.atEnd(of: "the PIN file") { try? FileManager.default.removeItem(atPath: pinFile) }

        let pair = try await runSmartsetup(
            ["pair", "--host-wifi", "--pin-file", pinFile, "--printer", "3F0A", "--scan-time", "3", "--json"], environment: ["DBUS_SYSTEM_BUS_ADDRESS": bus])
        #expect(pair.status == 0, "\(pair)")
        let paired = pair.jsonLines.first { $0["event"] as? String == "paired" }
        #expect(paired?["address"] as? String == "192.168.1.57/24", "HomeNet's address in the printers' table: \(pair.stdout)")
        #expect(!pair.stdout.contains("correct horse") && !pair.stderr.contains("correct horse"), "the passphrase never shows")
        #expect(!pair.stdout.contains("HomeNet") && !pair.stderr.contains("HomeNet"), "nor the SSID")
        #expect(sim.stderr.contains("joining \"HomeNet\" (7 octets"), "\(sim.stderr)")

        // No Wi-Fi NetworkManager on this bus for a second caller: the simulated one answers for
        // the saved profile by id, and an unknown id is exit 43.
        let unknown = try await runSmartsetup(
            ["pair", "--host-wifi-id", "no-such-profile", "--pin-file", pinFile, "--printer", "3F0A", "--scan-time", "3"], environment: ["DBUS_SYSTEM_BUS_ADDRESS": bus])
        #expect(unknown.status == 43, "\(unknown)")
        sim.terminate()
        #expect(await sim.finish(within: .seconds(30)).status == 0)
    }

    @Test func withoutNetworkManagerTheExitCodeSaysSo() async throws {
        let bus = try await PrivateBus.start()
        let run = try await runSmartsetup(["pair", "--host-wifi", "--pin", "1234-5670"], environment: ["DBUS_SYSTEM_BUS_ADDRESS": bus.address])
        #expect(run.status == 40, "\(run)")
        #expect(run.stderr.contains("NetworkManager is not running"), "\(run.stderr)")
    }

    @Test func hostWiFiAndSSIDExcludeEachOther() async throws {
        let run = try await runSmartsetup(["pair", "--host-wifi", "--ssid", "HomeNet", "--pin", "1234-5670"])
        #expect(run.status == 64, "\(run)")
        #expect(run.stderr.contains("leave out --ssid"), "\(run.stderr)")
    }
}
