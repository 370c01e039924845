import DBus
import Foundation
import SimulatedBlueZ
import Testing

/// Runs a command to completion without blocking a thread; returns its exit status and output.
/// Output goes to a temporary file, not a pipe: a pipe's end inherited by a process another test
/// starts at the same moment would keep it from ever reaching end-of-file.
func runCommand(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("simulated-bluez-\(UInt64.random(in: 0...UInt64.max)).out")
    guard FileManager.default.createFile(atPath: file.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
    defer { try? FileManager.default.removeItem(at: file) }
    let handle = try FileHandle(forWritingTo: file)
    defer { try? handle.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = handle
    process.standardError = handle
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    return (status, String(decoding: try Data(contentsOf: file), as: UTF8.self))
}

@Suite("Simulated bluetoothd: busctl", .stopsHarnesses, .timeLimit(.minutes(2)))
struct BusctlTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/busctl")))
    func controlInterfaceAndTreeThroughBusctl() async throws {
        let harness = try await SimulatorHarness.start()
        let address = try #require(harness.simulator.busAddress)
        let tree = try await runCommand("/usr/bin/busctl", ["--address=" + address, "tree", "--list", "org.bluez"])
        #expect(tree.status == 0)
        #expect(tree.output.contains("/org/bluez/hci1"))
        #expect(tree.output.contains("/io/smartsetup/Simulator"))
        let powered = try await runCommand("/usr/bin/busctl", ["--address=" + address, "get-property", "org.bluez", "/org/bluez/hci0", "org.bluez.Adapter1", "Powered"])
        #expect(powered.output.trimmingCharacters(in: .whitespacesAndNewlines) == "b true")
        let drop = try await runCommand("/usr/bin/busctl", ["--address=" + address, "call", "org.bluez", "/io/smartsetup/Simulator", "io.smartsetup.Simulator1", "DropNextNotification"])
        #expect(drop.status == 0, "\(drop.output)")
        let counters = try await runCommand("/usr/bin/busctl", ["--address=" + address, "call", "org.bluez", "/io/smartsetup/Simulator", "io.smartsetup.Simulator1", "GetCounters"])
        #expect(counters.status == 0)
        #expect(counters.output.hasPrefix("a{sv}a{sa{sv}} 5 "), "\(counters.output)")
    }
}
