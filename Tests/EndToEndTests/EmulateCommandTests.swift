import Foundation
import SimulatedBlueZ
import Testing
import TestSupport

/// `smartsetup emulate` (printed-PIN mode) and `smartsetup pair`, two processes on the
/// simulated BlueZ, the PIN read from the "printed" page.
@Suite(.serialized, .cleansUp) struct EmulateCommandTests {
    @Test func pairWithAnEmulatorInAnotherProcess() async throws {
        let privateBus = try await PrivateBus.start()
        let simulator = try await SimulatedBlueZ.start(
            busAddress: privateBus.address,
            configuration: SimulatorConfiguration(adapterCount: 2, mtu: 23, connectionInterval: .milliseconds(2)))
        try CleanupScope.atEnd(of: "the simulator") { await simulator.stop() }
        let bus = try #require(simulator.busAddress)
        let page = FileManager.default.temporaryDirectory.appendingPathComponent("page-\(UUID()).txt").path
        let emulator = try RunningTool.start(
            smartsetupExecutable, ["emulate", "--adapter", "hci1", "--auth", "printed", "--page", page, "--short-id", "BEEF"],
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": bus], ending: .smartsetup)

        var pin: String?
        try await eventually("the PIN on the printed page", within: .seconds(30), every: .milliseconds(50)) {
            pin = (try? String(contentsOfFile: page, encoding: .utf8))?.split(separator: "\n")
                .first { $0.hasPrefix("Wi-Fi setup PIN: ") }.map { String($0.dropFirst("Wi-Fi setup PIN: ".count)) }
            return pin != nil
        }
        let printedPIN = try #require(pin)
        let passphrase = FileManager.default.temporaryDirectory.appendingPathComponent("pass-\(UUID())").path
        try "correct horse battery\n".write(toFile: passphrase, atomically: true, encoding: .utf8)
        let run = try await runSmartsetup(
            ["pair", "--adapter", "hci0", "--printer", "BEEF", "--pin", printedPIN, "--ssid", "HomeNet", "--passphrase-file", passphrase,
             "--scan-time", "5", "--json"],
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": bus])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.jsonLines.last?["address"] as? String == "192.168.1.57/24")
        #expect(run.jsonLines.contains { $0["event"] as? String == "credentials-accepted" && $0["roundTrips"] as? Int == 2 })
        emulator.terminate()
        #expect(await emulator.finish(within: .seconds(30)).status == 0)
        await simulator.stop()
        await privateBus.stop()
    }
}
