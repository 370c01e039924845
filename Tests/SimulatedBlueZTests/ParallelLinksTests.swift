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

    /// Two centrals (hci0, hci2) subscribed to one application characteristic: the application
    /// gets StartNotify with each CCC enable and StopNotify only when the last one goes, as
    /// bluetoothd's gatt-database.c (`ntfy_cnt`); the second central leaving does not silence
    /// the first.
    @Test func theApplicationsStopNotifyWaitsForTheLastSubscribedCentral() async throws {
        let harness = try await SimulatorHarness.start(configuration: .init(adapterCount: 3, connectionInterval: .zero))
        let app = try TestPeripheral(connection: harness.peripheral)
        try await app.register(on: "/org/bluez/hci1")
        let characteristic = "/service0015/char001c"
        let first = "/org/bluez/hci0/dev_00_AA_01_01_00_01"
        let second = "/org/bluez/hci2/dev_00_AA_01_01_00_01"
        for (adapter, device) in [("/org/bluez/hci0", first), ("/org/bluez/hci2", second)] {
            try await harness.call(adapter, "org.bluez.Adapter1", "StartDiscovery")
            try await eventually("the device on \(adapter)") { harness.log.interfacesAdded(at: device) }
            try await harness.call(adapter, "org.bluez.Adapter1", "StopDiscovery")
            try await harness.call(device, "org.bluez.Device1", "Connect")
            try await eventually("ServicesResolved") { harness.log.changes(of: "ServicesResolved", at: device).contains(.boolean(true)) }
            try await harness.call(device + characteristic, "org.bluez.GattCharacteristic1", "StartNotify")
        }
        #expect(app.recorded("StartNotify").count == 2)
        try await harness.call(second, "org.bluez.Device1", "Disconnect")
        try await eventually("the second central disconnected") { harness.log.changes(of: "Connected", at: second).contains(.boolean(false)) }
        try app.notify([7, 7])
        try await eventually("the first central's notification") { harness.log.changes(of: "Value", at: first + characteristic).contains(.bytes([7, 7])) }
        #expect(app.recorded("StopNotify").isEmpty)
        try await harness.call(first + characteristic, "org.bluez.GattCharacteristic1", "StopNotify")
        try await eventually("the application's StopNotify with the last subscriber") { app.recorded("StopNotify").count == 1 }
    }
}
