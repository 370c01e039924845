import Foundation
import SimulatedBlueZ
import Testing

/// `smartsetup emulate` (printed-PIN mode) and `smartsetup pair`, two processes on the
/// simulated BlueZ, the PIN read from the "printed" page.
@Suite(.serialized) struct EmulateCommandTests {
    @Test func pairWithAnEmulatorInAnotherProcess() async throws {
        let simulator = try await SimulatedBlueZ.startWithPrivateBus(
            configuration: SimulatorConfiguration(adapterCount: 2, mtu: 23, connectionInterval: .milliseconds(2)))
        let bus = try #require(simulator.busAddress)
        let page = FileManager.default.temporaryDirectory.appendingPathComponent("page-\(UUID()).txt").path
        let emulator = Process()
        emulator.executableURL = smartsetupExecutable
        emulator.arguments = ["emulate", "--adapter", "hci1", "--auth", "printed", "--page", page, "--short-id", "BEEF"]
        emulator.environment = ProcessInfo.processInfo.environment.merging(["DBUS_SYSTEM_BUS_ADDRESS": bus]) { $1 }
        emulator.standardOutput = FileHandle.nullDevice
        emulator.standardError = FileHandle.nullDevice
        let exited = AsyncStream.makeStream(of: Int32.self)
        emulator.terminationHandler = { exited.continuation.yield($0.terminationStatus) }
        try emulator.run()
        defer { if emulator.isRunning { emulator.terminate() } }

        var pin: String?
        for _ in 0..<600 where pin == nil {
            try await Task.sleep(for: .milliseconds(50))
            pin = (try? String(contentsOfFile: page, encoding: .utf8))?.split(separator: "\n")
                .first { $0.hasPrefix("Wi-Fi setup PIN: ") }.map { String($0.dropFirst("Wi-Fi setup PIN: ".count)) }
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
        var statuses = exited.stream.makeAsyncIterator()
        #expect(await statuses.next() == 0)
        await simulator.stop()
    }
}
