import DBus
import SimulatedBlueZ
import Testing
import TestSupport

@Suite("Simulated bluetoothd: adapters and errors", .cleansUp, .timeLimit(.minutes(2)))
struct AdapterTests {
    @Test func exportsAdaptersLikeBluetoothd() async throws {
        let harness = try await SimulatorHarness.start()
        let objects = try await harness.managedObjects()
        let root = try #require(objects[try path("/org/bluez")])
        #expect(root["org.bluez.AgentManager1"] != nil)
        #expect(root["org.bluez.ProfileManager1"] != nil)
        let hci0 = try #require(objects[try path("/org/bluez/hci0")]?["org.bluez.Adapter1"])
        let hci1 = try #require(objects[try path("/org/bluez/hci1")]?["org.bluez.Adapter1"])
        #expect(hci0["Address"] == .string("00:AA:01:00:00:00"))
        #expect(hci1["Address"] == .string("00:AA:01:01:00:01"))
        #expect(hci0["AddressType"] == .string("public"))
        #expect(hci0["Powered"] == .boolean(true))
        #expect(hci0["Discovering"] == .boolean(false))
        #expect(hci0["Name"] == .string("BlueZ 5.66"))
        #expect(hci0["Class"] == .uint32(0))
        #expect(hci0["Roles"] == .stringArray(["central", "peripheral"]))
        #expect(hci0["Modalias"] == .string("usb:v1D6Bp0246d0542"))
        let advertising = try #require(objects[try path("/org/bluez/hci0")]?["org.bluez.LEAdvertisingManager1"])
        #expect(advertising["ActiveInstances"] == .byte(0))
        #expect(advertising["SupportedInstances"] == .byte(5))
        #expect(advertising["SupportedIncludes"] == .stringArray(["tx-power", "appearance", "local-name"]))
        #expect(objects[try path("/org/bluez/hci0")]?["org.bluez.GattManager1"] != nil)
        #expect(objects[try path("/org/bluez/hci2")] == nil)
    }

    @Test func aliasAndPoweredAreSettable() async throws {
        let harness = try await SimulatorHarness.start()
        try await harness.call("/org/bluez/hci0", "org.freedesktop.DBus.Properties", "Set",
                               [.string("org.bluez.Adapter1"), .string("Alias"), .variant(.string("kiosk"))])
        #expect(try await harness.property("/org/bluez/hci0", "org.bluez.Adapter1", "Alias") == .string("kiosk"))
        try await harness.call("/org/bluez/hci0", "org.freedesktop.DBus.Properties", "Set",
                               [.string("org.bluez.Adapter1"), .string("Powered"), .variant(.boolean(false))])
        let error = await harness.failure("/org/bluez/hci0", "org.bluez.Adapter1", "StartDiscovery")
        #expect(error?.name == "org.bluez.Error.NotReady")
        #expect(error?.message == "Resource Not Ready")
    }

    /// bluetoothd serves the adapter's Alias as the GAP Device Name: a central's Device1.Name
    /// becomes it after connecting. An empty Alias falls back to the system name.
    @Test func theGAPNameFollowsTheAlias() async throws {
        let harness = try await SimulatorHarness.start()
        let peripheral = "/org/bluez/hci1"
        try await harness.call(peripheral, "org.freedesktop.DBus.Properties", "Set",
                               [.string("org.bluez.Adapter1"), .string("Alias"), .variant(.string("Printer-3F0A"))])
        try await eventually("Alias changed") { harness.log.changes(of: "Alias", at: peripheral) == [.string("Printer-3F0A")] }
        let app = try TestPeripheral(connection: harness.peripheral)
        let device = try await harness.connectToPeripheral(app)
        try await eventually("the GAP name") { harness.log.changes(of: "Name", at: device).last == .string("Printer-3F0A") }
        #expect(try await harness.property(device, "org.bluez.Device1", "Alias") == .string("Printer-3F0A"))
        try await harness.call(peripheral, "org.freedesktop.DBus.Properties", "Set",
                               [.string("org.bluez.Adapter1"), .string("Alias"), .variant(.string(""))])
        #expect(try await harness.property(peripheral, "org.bluez.Adapter1", "Alias") == .string("BlueZ 5.66"))
        try await eventually("Alias back") { harness.log.changes(of: "Alias", at: peripheral).last == .string("BlueZ 5.66") }
    }

    @Test func discoveryErrorsMatchBluetoothd() async throws {
        let harness = try await SimulatorHarness.start()
        let adapter = "/org/bluez/hci0", interface = "org.bluez.Adapter1"
        let stop = await harness.failure(adapter, interface, "StopDiscovery")
        #expect(stop?.name == "org.bluez.Error.Failed")
        #expect(stop?.message == "No discovery started")
        for filter: [String: DBusValue] in [["Colour": .string("red")], ["Transport": .string("xyz")],
                                            ["UUIDs": .stringArray(["not-a-uuid"])], ["RSSI": .string("-60")]] {
            let error = await harness.failure(adapter, interface, "SetDiscoveryFilter", [.propertyDictionary(filter)])
            #expect(error?.name == "org.bluez.Error.InvalidArguments")
            #expect(error?.message == "Invalid arguments in method call")
        }
        try await harness.call(adapter, interface, "StartDiscovery")
        try await eventually("Discovering") { harness.log.changes(of: "Discovering", at: adapter).contains(.boolean(true)) }
        let twice = await harness.failure(adapter, interface, "StartDiscovery")
        #expect(twice?.name == "org.bluez.Error.InProgress")
        #expect(twice?.message == "Operation already in progress")
        let remove = await harness.failure(adapter, interface, "RemoveDevice", [.objectPath(try path("/org/bluez/hci1/dev_00_11_22_33_44_55"))])
        #expect(remove?.name == "org.bluez.Error.DoesNotExist")
        #expect(remove?.message == "Does Not Exist")
        try await harness.call(adapter, interface, "StopDiscovery")
        try await eventually("Discovering off") { harness.log.changes(of: "Discovering", at: adapter).last == .boolean(false) }
    }

    @Test func agentManagerAcceptsAnAgent() async throws {
        let harness = try await SimulatorHarness.start()
        let agent: DBusValue = .objectPath(try path("/org/test/agent"))
        try await harness.call("/org/bluez", "org.bluez.AgentManager1", "RegisterAgent", [agent, .string("KeyboardDisplay")])
        try await harness.call("/org/bluez", "org.bluez.AgentManager1", "RequestDefaultAgent", [agent])
        let again = await harness.failure("/org/bluez", "org.bluez.AgentManager1", "RegisterAgent", [agent, .string("")])
        #expect(again?.name == "org.bluez.Error.AlreadyExists")
        try await harness.call("/org/bluez", "org.bluez.AgentManager1", "UnregisterAgent", [agent])
        let gone = await harness.failure("/org/bluez", "org.bluez.AgentManager1", "UnregisterAgent", [agent])
        #expect(gone?.name == "org.bluez.Error.DoesNotExist")
    }
}
