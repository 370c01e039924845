import DBus
import SimulatedBlueZ
import Testing
import TestSupport

@Suite("Simulated bluetoothd: fault hooks and the control interface", .cleansUp, .timeLimit(.minutes(2)))
struct FaultTests {
    let device = "/org/bluez/hci0/dev_00_AA_01_01_00_01"
    var notifyCharacteristic: String { device + "/service0015/char001c" }

    func controlCall(_ harness: SimulatorHarness, _ member: String, _ body: [DBusValue] = []) async throws -> [DBusValue] {
        try await harness.call("/io/smartsetup/Simulator", "io.smartsetup.Simulator1", member, body)
    }

    @Test func disconnectNowDropsTheLink() async throws {
        let harness = try await SimulatorHarness.start()
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        let body = try await controlCall(harness, "Disconnect", [.string("00:AA:01:01:00:01")])
        #expect(body.first == .uint32(1))
        try await eventually("Connected false") { harness.log.changes(of: "Connected", at: device).last == .boolean(false) }
        // The link is gone, the device's GATT objects stay (as bluetoothd 5.66 keeps them).
        #expect(harness.simulator.counters.links.isEmpty)
        #expect(!harness.log.interfacesRemoved(at: notifyCharacteristic))
        let error = await harness.failure(notifyCharacteristic, "org.bluez.GattCharacteristic1", "StartNotify")
        #expect(error?.message == "Not connected")
    }

    @Test func notificationFaults() async throws {
        let harness = try await SimulatorHarness.start()
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        try await harness.call(notifyCharacteristic, "org.bluez.GattCharacteristic1", "StartNotify")
        harness.simulator.faults.dropNextNotification()
        try app.notify([1])
        try app.notify([2])
        try await eventually("the second notification") { harness.log.changes(of: "Value", at: notifyCharacteristic).contains(.bytes([2])) }
        #expect(!harness.log.changes(of: "Value", at: notifyCharacteristic).contains(.bytes([1])))
        _ = try await controlCall(harness, "DuplicateNextNotification")
        try app.notify([3])
        try await eventually("the duplicate") { harness.log.changes(of: "Value", at: notifyCharacteristic).filter { $0 == .bytes([3]) }.count == 2 }
        _ = try await controlCall(harness, "DelayNextNotification", [.uint32(50)])
        try app.notify([4])
        try await eventually("the delayed notification") { harness.log.changes(of: "Value", at: notifyCharacteristic).contains(.bytes([4])) }
    }

    @Test func restartDropsEverythingAndOwnsTheNameAgain() async throws {
        let harness = try await SimulatorHarness.start()
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        let owners = try await harness.central.nameOwnerChanges(of: "org.bluez")
        _ = try await controlCall(harness, "RestartBluetoothd")
        var iterator = owners.makeAsyncIterator()
        let lost = try await iterator.next()
        #expect(lost?.newOwner == nil)
        let back = try await iterator.next()
        #expect(back?.newOwner != nil)
        let objects = try await harness.managedObjects()
        #expect(objects[try path(device)] == nil)
        #expect(objects[try path("/org/bluez/hci1")]?["org.bluez.LEAdvertisingManager1"]?["ActiveInstances"] == .byte(0))
        try await app.register(on: "/org/bluez/hci1")
    }

    @Test func removeAdapter() async throws {
        let harness = try await SimulatorHarness.start()
        _ = try await controlCall(harness, "RemoveAdapter", [.string("hci1")])
        #expect(harness.log.interfacesRemoved(at: "/org/bluez/hci1"))
        #expect(try await harness.managedObjects()[try path("/org/bluez/hci1")] == nil)
        #expect(!(await harness.simulator.faults.removeAdapter(7)))
        // Plugged in again over the control interface: fresh, powered, announced.
        _ = try await controlCall(harness, "AddAdapter", [.string("hci1")])
        try await eventually("InterfacesAdded of hci1") { harness.log.interfacesAdded(at: "/org/bluez/hci1") }
        #expect(try await harness.property("/org/bluez/hci1", "org.bluez.Adapter1", "Powered") == .boolean(true))
        #expect(!harness.simulator.faults.addAdapter(1))
        #expect(!harness.simulator.faults.addAdapter(7))
        let error = await harness.failure("/io/smartsetup/Simulator", "io.smartsetup.Simulator1", "AddAdapter", [.string("hci1")])
        #expect(error?.name == "org.freedesktop.DBus.Error.InvalidArgs")
    }

    @Test func removingThePeersAdapterWhileConnectingFailsTheConnectAndLeavesNoneInProgress() async throws {
        let harness = try await SimulatorHarness.start(configuration: .init(connectionInterval: .milliseconds(300)))
        let app = try TestPeripheral(connection: harness.peripheral)
        let device = try await harness.discoverPeripheral(app)
        async let connecting = harness.failure(device, "org.bluez.Device1", "Connect")
        try await Task.sleep(for: .milliseconds(100))  // inside the connection's one interval
        #expect(await harness.simulator.faults.removeAdapter(1))
        #expect(await connecting?.message == "le-connection-abort-by-local")
        // The device is not stuck connecting: the next Connect tries again (and fails the same way,
        // as the peer is gone), never "In Progress".
        let again = await harness.failure(device, "org.bluez.Device1", "Connect")
        #expect(again?.name == "org.bluez.Error.Failed")
        #expect(again?.message == "le-connection-abort-by-local")
    }

    @Test func countersOverDBus() async throws {
        let harness = try await SimulatorHarness.start()
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        try await harness.call(device + "/service0015/char0016", "org.bluez.GattCharacteristic1", "ReadValue", [.propertyDictionary([:])])
        let body = try await controlCall(harness, "GetCounters")
        let total = try #require(try body.first?.propertyDictionary())
        let swift = harness.simulator.counters.total
        #expect(total["RoundTrips"] == .uint64(swift.roundTrips))
        #expect(total["Operations"] == .uint64(swift.operations))
        let links = try #require(body.last?.dictionaryEntries)
        #expect(links.count == 1)
        #expect(links.first?.key == .string("hci0-hci1"))
        let link = try #require(try links.first?.value.unwrappedVariant.propertyDictionary())
        #expect(link["PeripheralAddress"] == .string("00:AA:01:01:00:01"))
        #expect(link["MTU"] == .uint16(517))
        #expect(harness.simulator.counters.links.first?.centralAddress == "00:AA:01:00:00:00")
    }
}
