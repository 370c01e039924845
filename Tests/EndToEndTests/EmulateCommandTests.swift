import Foundation
import SetupProtocol
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
        // A wrong PIN first: the emulator's log says what it can know (SPEC §11.2: a wrong PIN
        // and a central that gave up after ServerHello look the same to it).
        let wrong = wrongPIN(not: try SetupPIN(validating: printedPIN)).revealedForDisplay()
        let refused = try await runSmartsetup(
            ["pair", "--adapter", "hci0", "--printer", "BEEF", "--pin", wrong, "--security", "open", "--ssid", "HomeNet", "--scan-time", "5"],
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": bus])
        #expect(refused.status == 14, "\(refused)")
        try await eventually("the emulator's line for the failed attempt", within: .seconds(10)) {
            emulator.stdout.contains("attempt failed (a wrong PIN, or the central gave up after ServerHello), 2 attempts left")
        }
        let run = try await runSmartsetup(
            ["pair", "--adapter", "hci0", "--printer", "BEEF", "--pin", printedPIN, "--ssid", "HomeNet", "--passphrase-file", passphrase,
             "--scan-time", "5", "--json"],
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": bus])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.jsonLines.last?["address"] as? String == "192.168.1.57/24")
        #expect(run.jsonLines.contains { $0["event"] as? String == "credentials-accepted" && $0["roundTrips"] as? Int == 3 })
        emulator.terminate()
        #expect(await emulator.finish(within: .seconds(30)).status == 0)
        await simulator.stop()
        await privateBus.stop()
    }
}

/// Issue 10 item 7: the emulator's setup button, pressed again after the window opened (a real
/// printer's button works any time): SIGUSR1 and a line on stdin each open the window again, and
/// SIGUSR1 does not end the process.
@Suite(.serialized, .cleansUp) struct EmulatorButtonTests {
    @Test func sigusr1AndAStdinLinePressTheButton() async throws {
        let privateBus = try await PrivateBus.start()
        let simulator = try await SimulatedBlueZ.start(
            busAddress: privateBus.address, configuration: SimulatorConfiguration(adapterCount: 2, connectionInterval: .milliseconds(2)))
        try CleanupScope.atEnd(of: "the simulator") { await simulator.stop() }
        let bus = try #require(simulator.busAddress)
        let emulator = try RunningTool.start(
            smartsetupExecutable, ["emulate", "--adapter", "hci1", "--auth", "button", "--short-id", "B077"],
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": bus], input: .pipe, ending: .smartsetup)
        func presses() -> Int { emulator.stdout.components(separatedBy: "button pressed").count - 1 }
        try await eventually("the first window", within: .seconds(30)) { emulator.stdout.contains("Enter (or SIGUSR1)") && presses() == 1 }
        emulator.signal(SIGUSR1)
        try await eventually("a press by SIGUSR1", within: .seconds(10)) { presses() == 2 }
        try emulator.write("\n")
        try await eventually("a press by a line on stdin", within: .seconds(10)) { presses() == 3 }
        try emulator.write("something else\n")
        try await Task.sleep(for: .milliseconds(300))
        #expect(presses() == 3)
        #expect(emulator.isRunning)
        emulator.terminate()
        #expect(await emulator.finish(within: .seconds(30)).status == 0)
    }
}
