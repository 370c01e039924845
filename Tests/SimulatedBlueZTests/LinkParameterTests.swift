import DBus
import SimulatedBlueZ
import Testing
import TestSupport

@Suite("Simulated bluetoothd: link parameters and start-up", .cleansUp, .timeLimit(.minutes(2)))
struct LinkParameterTests {
    let device = "/org/bluez/hci0/dev_00_AA_01_01_00_01"

    /// At MTU 23 a 40-byte write request becomes 3 Prepare Writes and an Execute Write (one
    /// WriteValue for the application), and notifications are cut to MTU-3 bytes.
    @Test func mtu23SplitsLongWritesAndTruncatesNotifications() async throws {
        let harness = try await SimulatorHarness.start()
        harness.simulator.setLinkParameters(LinkParameters(mtu: 23, interval: .milliseconds(1), rssi: -70), forPeripheralAdapter: 1)
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        let characteristic = device + "/service0015/char0019"
        #expect(try await harness.property(characteristic, "org.bluez.GattCharacteristic1", "MTU") == .uint16(23))
        #expect(app.recorded("ReadValue").isEmpty)
        let before = try #require(harness.simulator.counters.links.first).counters
        let value = Array(0..<40).map(UInt8.init)
        try await harness.call(characteristic, "org.bluez.GattCharacteristic1", "WriteValue", [.bytes(value), .propertyDictionary([:])])
        #expect(app.recorded("WriteValue").map(\.value) == [value])
        #expect(app.recorded("WriteValue").first?.options["mtu"] == .uint16(23))
        let after = try #require(harness.simulator.counters.links.first).counters
        #expect(after.roundTrips - before.roundTrips == 4)
        #expect(harness.simulator.counters.links.first?.parameters.rssi == -70)

        let notify = device + "/service0015/char001c"
        try await harness.call(notify, "org.bluez.GattCharacteristic1", "StartNotify")
        try app.notify(Array(repeating: 7, count: 30))
        try await eventually("the truncated notification") {
            harness.log.changes(of: "Value", at: notify).contains(.bytes(Array(repeating: 7, count: 20)))
        }
    }

    @Test func startOnAConnectionAndStop() async throws {
        let daemon = try await PrivateBus.start()
        let connection = try await DBusConnection.open(.address(daemon.address))
        defer { connection.close() }
        let simulator = try await SimulatedBlueZ.start(on: connection, configuration: .init(adapterCount: 1))
        #expect(simulator.busAddress == nil)
        let client = try await DBusConnection.open(.address(daemon.address))
        defer { client.close() }
        #expect(try await client.nameOwner(of: "org.bluez") == connection.uniqueName)
        // A second simulator on the same bus cannot own org.bluez.
        await #expect(throws: DBusError.self) {
            _ = try await SimulatedBlueZ.start(busAddress: daemon.address)
        }
        await simulator.stop()
        #expect(try await client.nameOwner(of: "org.bluez") == nil)
    }

    @Test func startOnABusAddress() async throws {
        let daemon = try await PrivateBus.start()
        let simulator = try await SimulatedBlueZ.start(busAddress: daemon.address, configuration: .init(adapterCount: 3))
        #expect(simulator.busAddress == daemon.address)
        let client = try await DBusConnection.open(.address(daemon.address))
        defer { client.close() }
        let reply = try await client.call(.methodCall(
            destination: "org.bluez", path: try path("/org/bluez/hci2"), interface: "org.freedesktop.DBus.Properties", member: "Get",
            body: [.string("org.bluez.Adapter1"), .string("Address")]))
        #expect(reply.body.first?.unwrappedVariant == .string("00:AA:01:02:00:02"))
        await simulator.stop()
    }
}
