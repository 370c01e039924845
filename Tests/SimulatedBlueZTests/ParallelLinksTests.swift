import DBus
import SimulatedBlueZ
import Testing
import TestSupport

@Suite("Simulated bluetoothd: many links at once", .cleansUp, .timeLimit(.minutes(3)))
struct ParallelLinksTests {
    /// Eight peripherals on eight adapters, one central adapter: every link reads in
    /// parallel with a real interval; each link counts its own round trips.
    @Test func linksDoNotShareCounters() async throws {
        let harness = try await SimulatorHarness.start(configuration: .init(adapterCount: 9, connectionInterval: .milliseconds(5)))
        var apps: [TestPeripheral] = []
        for index in 1...8 {
            let address = try #require(harness.simulator.busAddress)
            let connection = try await DBusConnection.open(.address(address))
            let app = try TestPeripheral(connection: connection)
            try await app.register(on: "/org/bluez/hci\(index)")
            apps.append(app)
        }
        try await harness.call("/org/bluez/hci0", "org.bluez.Adapter1", "StartDiscovery")
        let devices = (1...8).map { "/org/bluez/hci0/dev_00_AA_01_0\($0)_00_0\($0)" }
        try await eventually("eight devices") { devices.allSatisfy(harness.log.interfacesAdded(at:)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for device in devices {
                group.addTask {
                    try await harness.call(device, "org.bluez.Device1", "Connect")
                    try await eventually("ServicesResolved") { harness.log.changes(of: "ServicesResolved", at: device).contains(.boolean(true)) }
                    for _ in 0..<3 {
                        try await harness.call(device + "/service0015/char0016", "org.bluez.GattCharacteristic1", "ReadValue", [.propertyDictionary([:])])
                    }
                }
            }
            try await group.waitForAll()
        }
        let links = harness.simulator.counters.links
        #expect(links.count == 8)
        for app in apps { #expect(app.recorded("ReadValue").count == 3) }
        let roundTrips = Set(links.map(\.counters.roundTrips))
        #expect(roundTrips.count == 1, "every link did the same work")
        for app in apps { app.connection.close() }
    }
}
