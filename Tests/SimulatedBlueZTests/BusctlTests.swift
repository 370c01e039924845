import DBus
import Foundation
import SimulatedBlueZ
import Testing
import TestSupport

@Suite("Simulated bluetoothd: busctl", .cleansUp, .timeLimit(.minutes(2)))
struct BusctlTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/busctl")))
    func controlInterfaceAndTreeThroughBusctl() async throws {
        let harness = try await SimulatorHarness.start()
        let address = try #require(harness.simulator.busAddress)
        let tree = try await Tool.run("/usr/bin/busctl", ["--address=" + address, "tree", "--list", "org.bluez"], mergingStandardError: true)
        #expect(tree.status == 0)
        #expect(tree.stdout.contains("/org/bluez/hci1"))
        #expect(tree.stdout.contains("/io/smartsetup/Simulator"))
        let powered = try await Tool.run("/usr/bin/busctl", ["--address=" + address, "get-property", "org.bluez", "/org/bluez/hci0", "org.bluez.Adapter1", "Powered"], mergingStandardError: true)
        #expect(powered.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "b true")
        let drop = try await Tool.run("/usr/bin/busctl", ["--address=" + address, "call", "org.bluez", "/io/smartsetup/Simulator", "io.smartsetup.Simulator1", "DropNextNotification"], mergingStandardError: true)
        #expect(drop.status == 0, "\(drop.stdout)")
        let counters = try await Tool.run("/usr/bin/busctl", ["--address=" + address, "call", "org.bluez", "/io/smartsetup/Simulator", "io.smartsetup.Simulator1", "GetCounters"], mergingStandardError: true)
        #expect(counters.status == 0)
        #expect(counters.stdout.hasPrefix("a{sv}a{sa{sv}} 5 "), "\(counters.stdout)")
    }
}
