import DBus
import SimulatedBlueZ
import Testing
import TestSupport

@Suite("Simulated bluetoothd: a central and a peripheral over the simulated radio", .cleansUp, .timeLimit(.minutes(2)))
struct PeripheralCentralTests {
    let device = "/org/bluez/hci0/dev_00_AA_01_01_00_01"
    var service: String { device + "/service0015" }
    var readCharacteristic: String { service + "/char0016" }
    var writeCharacteristic: String { service + "/char0019" }
    var notifyCharacteristic: String { service + "/char001c" }

    @Test func registrationUpdatesTheAdapter() async throws {
        let harness = try await SimulatorHarness.start()
        let app = try TestPeripheral(connection: harness.peripheral)
        try await app.register(on: "/org/bluez/hci1")
        #expect(try await harness.property("/org/bluez/hci1", "org.bluez.LEAdvertisingManager1", "ActiveInstances") == .byte(1))
        #expect(try await harness.property("/org/bluez/hci1", "org.bluez.LEAdvertisingManager1", "SupportedInstances") == .byte(4))
        let uuids = try await harness.property("/org/bluez/hci1", "org.bluez.Adapter1", "UUIDs").stringArray()
        #expect(uuids.first == TestPeripheral.serviceUUID)
        let again = await harness.failure("/org/bluez/hci1", "org.bluez.LEAdvertisingManager1", "RegisterAdvertisement",
                                          [.objectPath(try path("/org/test/advertisement0")), .propertyDictionary([:])])
        // The central exports nothing there: bluetoothd cannot read it and refuses.
        #expect(again?.name == "org.bluez.Error.Failed")
        #expect(again?.message == "Failed to parse advertisement.")
        let duplicate = try await { () async throws -> DBusError? in
            do { try await app.registerAdvertisement(on: "/org/bluez/hci1"); return nil } catch let error as DBusError { return error }
        }()
        #expect(duplicate?.name == "org.bluez.Error.AlreadyExists")
    }

    @Test func discoveryShowsTheAdvertisementAsADevice() async throws {
        let harness = try await SimulatorHarness.start()
        let app = try TestPeripheral(connection: harness.peripheral)
        try await harness.discoverPeripheral(app)
        let properties = try #require(try await harness.managedObjects()[try path(device)]?["org.bluez.Device1"])
        #expect(properties["Address"] == .string("00:AA:01:01:00:01"))
        #expect(properties["AddressType"] == .string("public"))
        #expect(properties["Name"] == .string("smartsetup"))
        #expect(properties["Alias"] == .string("smartsetup"))
        #expect(properties["RSSI"] == .int16(-50))
        #expect(properties["UUIDs"] == .stringArray([TestPeripheral.serviceUUID]))
        #expect(properties["ManufacturerData"] == .uint16VariantDictionary([0xFFFF: .bytes([0x53, 0x53, 0x01, 0x02])]))
        #expect(properties["Connected"] == .boolean(false))
        #expect(properties["Paired"] == .boolean(false))
        #expect(properties["Adapter"] == .objectPath(try path("/org/bluez/hci0")))
        try await harness.call("/org/bluez/hci0", "org.bluez.Adapter1", "StopDiscovery")
        try await harness.call("/org/bluez/hci0", "org.bluez.Adapter1", "RemoveDevice", [.objectPath(try path(device))])
        try await eventually("the device's removal") { harness.log.interfacesRemoved(at: device) }
    }

    @Test func filterWithOtherUUIDHidesTheDevice() async throws {
        let harness = try await SimulatorHarness.start()
        let app = try TestPeripheral(connection: harness.peripheral)
        try await app.register(on: "/org/bluez/hci1")
        try await harness.call("/org/bluez/hci0", "org.bluez.Adapter1", "SetDiscoveryFilter",
                               [.propertyDictionary(["UUIDs": .stringArray(["180d"])])])
        try await harness.call("/org/bluez/hci0", "org.bluez.Adapter1", "StartDiscovery")
        try await eventually("Discovering") { harness.log.changes(of: "Discovering", at: "/org/bluez/hci0").contains(.boolean(true)) }
        try await Task.sleep(for: .milliseconds(200))
        #expect(!harness.log.interfacesAdded(at: device))
    }

    @Test func connectResolvesTheDatabaseWithBlueZPaths() async throws {
        let harness = try await SimulatorHarness.start()
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        let objects = try await harness.managedObjects()
        let paths = Set(objects.keys.map(\.rawValue).filter { $0.hasPrefix(device + "/") })
        #expect(paths == [
            device + "/service0008", device + "/service0008/char0009", device + "/service0008/char0009/desc000b",
            device + "/service0008/char000c", device + "/service0008/char000e", device + "/service0008/char0010",
            device + "/service0012", device + "/service0012/char0013",
            service, readCharacteristic, readCharacteristic + "/desc0018", writeCharacteristic, writeCharacteristic + "/desc001b",
            notifyCharacteristic, notifyCharacteristic + "/desc001e", notifyCharacteristic + "/desc001f",
        ])
        let write = try #require(objects[try path(writeCharacteristic)]?["org.bluez.GattCharacteristic1"])
        #expect(write["Flags"] == .stringArray(["write-without-response", "write"]))
        #expect(write["MTU"] == .uint16(517))
        #expect(write["WriteAcquired"] == .boolean(false))
        #expect(write["Service"] == .objectPath(try path(service)))
        let deviceProperties = try #require(objects[try path(device)]?["org.bluez.Device1"])
        #expect(deviceProperties["Connected"] == .boolean(true))
        #expect(deviceProperties["ServicesResolved"] == .boolean(true))
        #expect(deviceProperties["Name"] == .string("BlueZ 5.66"))
        #expect(try deviceProperties["UUIDs"]?.stringArray().contains(TestPeripheral.serviceUUID) == true)
        #expect(objects[try path("/org/bluez/hci1/dev_00_AA_01_00_00_00")]?["org.bluez.Device1"]?["Connected"] == .boolean(true))
        // bluetoothd 5.66 answers Connect on a connected device with success (VM tier recording).
        #expect(await harness.failure(device, "org.bluez.Device1", "Connect") == nil)
    }

    /// bluetoothd 5.66 calls the server's WriteValue with `{device, link, mtu}` and `offset`
    /// only when non-zero, never `type`, whatever the client asked (VM tier `server-calls.json`).
    @Test func writeValueReachesTheServerWithoutAType() async throws {
        let harness = try await SimulatorHarness.start()
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        let asked: [[String: DBusValue]] = [[:], ["type": .string("request")], ["type": .string("command")], ["type": .string("reliable")]]
        for (index, options) in asked.enumerated() {
            try await harness.call(writeCharacteristic, "org.bluez.GattCharacteristic1", "WriteValue", [.bytes([UInt8(index)]), .propertyDictionary(options)])
        }
        try await harness.call(writeCharacteristic, "org.bluez.GattCharacteristic1", "WriteValue",
                               [.bytes([9]), .propertyDictionary(["offset": .uint16(2), "type": .string("request")])])
        let calls = app.recorded("WriteValue")
        #expect(calls.map(\.value) == [[0], [1], [2], [3], [9]])
        for call in calls.prefix(asked.count) {
            #expect(Set(call.options.keys) == ["device", "link", "mtu"])
            #expect(call.options["device"] == .objectPath(try path("/org/bluez/hci1/dev_00_AA_01_00_00_00")))
            #expect(call.options["link"] == .string("LE"))
            #expect(call.options["mtu"] == .uint16(517))
        }
        #expect(Set(try #require(calls.last).options.keys) == ["device", "link", "mtu", "offset"])
        #expect(calls.last?.options["offset"] == .uint16(2))
    }

    @Test func readWriteAndNotifyAreRelayedWithBlueZOptions() async throws {
        let harness = try await SimulatorHarness.start()
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        let before = harness.simulator.counters.total
        let read = try await harness.call(readCharacteristic, "org.bluez.GattCharacteristic1", "ReadValue", [.propertyDictionary([:])])
        #expect(read.first == .bytes(TestPeripheral.readValue))
        let options = try #require(app.recorded("ReadValue").last?.options)
        #expect(options["device"] == .objectPath(try path("/org/bluez/hci1/dev_00_AA_01_00_00_00")))
        #expect(options["link"] == .string("LE"))
        #expect(options["mtu"] == .uint16(517))
        #expect(options["offset"] == nil)
        let tail = try await harness.call(readCharacteristic, "org.bluez.GattCharacteristic1", "ReadValue", [.propertyDictionary(["offset": .uint16(4)])])
        #expect(tail.first == .bytes(Array(TestPeripheral.readValue.dropFirst(4))))
        #expect(app.recorded("ReadValue").last?.options["offset"] == .uint16(4))

        try await harness.call(writeCharacteristic, "org.bluez.GattCharacteristic1", "WriteValue", [.bytes([0x68, 0x69]), .propertyDictionary([:])])
        try await harness.call(writeCharacteristic, "org.bluez.GattCharacteristic1", "WriteValue",
                               [.bytes([1, 2, 3]), .propertyDictionary(["type": .string("command")])])
        #expect(app.recorded("WriteValue").map(\.value) == [[0x68, 0x69], [1, 2, 3]])
        let notPermitted = await harness.failure(readCharacteristic, "org.bluez.GattCharacteristic1", "WriteValue", [.bytes([1]), .propertyDictionary([:])])
        #expect(notPermitted?.name == "org.bluez.Error.NotSupported")
        #expect(notPermitted?.message == "Operation is not supported")
        let notReadable = await harness.failure(writeCharacteristic, "org.bluez.GattCharacteristic1", "ReadValue", [.propertyDictionary([:])])
        #expect(notReadable?.name == "org.bluez.Error.NotPermitted")
        #expect(notReadable?.message == "Read not permitted")
        let bogus = await harness.failure(writeCharacteristic, "org.bluez.GattCharacteristic1", "WriteValue",
                                          [.bytes([1]), .propertyDictionary(["type": .string("bogus")])])
        #expect(bogus?.name == "org.bluez.Error.NotSupported")
        let longCommand = await harness.failure(writeCharacteristic, "org.bluez.GattCharacteristic1", "WriteValue",
                                                [.bytes(Array(repeating: 0, count: 515)), .propertyDictionary(["type": .string("command")])])
        #expect(longCommand?.message == "Failed to initiate write")
        let tooLong = await harness.failure(writeCharacteristic, "org.bluez.GattCharacteristic1", "WriteValue",
                                            [.bytes(Array(repeating: 0, count: 513)), .propertyDictionary([:])])
        #expect(tooLong?.name == "org.bluez.Error.InvalidArguments")
        #expect(tooLong?.message == "Invalid Length")

        try await harness.call(notifyCharacteristic, "org.bluez.GattCharacteristic1", "StartNotify")
        #expect(app.recorded("StartNotify").count == 1)
        try await eventually("Notifying") { harness.log.changes(of: "Notifying", at: notifyCharacteristic).contains(.boolean(true)) }
        try app.notify([9, 9, 9])
        try await eventually("the notification") { harness.log.changes(of: "Value", at: notifyCharacteristic).contains(.bytes([9, 9, 9])) }
        // A second StartNotify of the same client succeeds and changes nothing.
        try await harness.call(notifyCharacteristic, "org.bluez.GattCharacteristic1", "StartNotify")
        #expect(app.recorded("StartNotify").count == 1)
        try await harness.call(notifyCharacteristic, "org.bluez.GattCharacteristic1", "StopNotify")
        #expect(app.recorded("StopNotify").count == 1)
        let stopAgain = await harness.failure(notifyCharacteristic, "org.bluez.GattCharacteristic1", "StopNotify")
        #expect(stopAgain?.name == "org.bluez.Error.Failed")
        #expect(stopAgain?.message == "No notify session started")

        let after = harness.simulator.counters.total
        // 2 reads + 1 write request + StartNotify + StopNotify round trips; 1 command + 1 notification.
        #expect(after.roundTrips - before.roundTrips == 5)
        #expect(after.withoutResponse - before.withoutResponse == 2)
        #expect(after.operations - before.operations == 7)
        #expect(harness.simulator.counters.links.count == 1)
    }

    @Test func connectFailsWhenThePeripheralStoppedAdvertising() async throws {
        let harness = try await SimulatorHarness.start()
        let app = try TestPeripheral(connection: harness.peripheral)
        try await harness.discoverPeripheral(app)
        try await harness.stopAdvertising(app)
        let error = await harness.failure(device, "org.bluez.Device1", "Connect")
        #expect(error?.name == "org.bluez.Error.Failed")
        #expect(error?.message == "le-connection-abort-by-local")
        #expect(try await harness.property(device, "org.bluez.Device1", "Connected") == .boolean(false))
    }

    /// bluetoothd keeps a device that stopped advertising as a known (temporary) device: its
    /// RSSI is invalidated when discovery stops, and a new discovery does not report it again
    /// until it advertises (VM tier: `scan` after the emulator exited still found it, rssi null).
    @Test func aDeviceThatStoppedAdvertisingStaysKnownWithoutRSSI() async throws {
        let harness = try await SimulatorHarness.start()
        let app = try TestPeripheral(connection: harness.peripheral)
        try await harness.discoverPeripheral(app)
        try await harness.stopAdvertising(app)
        try await harness.call("/org/bluez/hci0", "org.bluez.Adapter1", "StopDiscovery")
        let stopped = try #require(try await harness.managedObjects()[try path(device)]?["org.bluez.Device1"])
        #expect(stopped["RSSI"] == nil)
        #expect(stopped["Name"] == .string("smartsetup"))
        let invalidated = harness.log.all.contains { message in
            message.member == "PropertiesChanged" && message.path?.rawValue == device && message.body.count == 3
                && (try? message.body[2].stringArray())?.contains("RSSI") == true
        }
        #expect(invalidated)

        let before = harness.log.all.count
        try await harness.call("/org/bluez/hci0", "org.bluez.Adapter1", "StartDiscovery")
        try await eventually("Discovering") { try await harness.property("/org/bluez/hci0", "org.bluez.Adapter1", "Discovering") == .boolean(true) }
        try await Task.sleep(for: .milliseconds(200))
        let reports = harness.log.all.dropFirst(before).filter { $0.path?.rawValue == device || $0.body.first?.objectPath?.rawValue == device }
        #expect(reports.isEmpty)
        let known = try #require(try await harness.managedObjects()[try path(device)]?["org.bluez.Device1"])
        #expect(known["RSSI"] == nil)
        try await harness.call("/org/bluez/hci0", "org.bluez.Adapter1", "StopDiscovery")
    }

    /// The application's error becomes the ATT error bluetoothd's server sends, and the central
    /// gets what gatt-client.c makes of that ATT error.
    @Test func applicationErrorsTravelAsATTErrors() async throws {
        let harness = try await SimulatorHarness.start()
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        let cases: [(String, String, String)] = [
            ("org.bluez.Error.NotAuthorized", "org.bluez.Error.NotAuthorized", "Operation Not Authorized"),
            ("org.bluez.Error.NotPermitted", "org.bluez.Error.NotPermitted", "Read not permitted"),
            ("org.bluez.Error.Failed", "org.bluez.Error.Failed", "Operation failed with ATT error: 0x80"),
            ("org.example.Whatever", "org.bluez.Error.Failed", "Operation failed with ATT error: 0x0e"),
        ]
        for (thrown, name, message) in cases {
            app.failNextRead.withLock { $0 = thrown }
            let error = await harness.failure(readCharacteristic, "org.bluez.GattCharacteristic1", "ReadValue", [.propertyDictionary([:])])
            #expect(error?.name == name)
            #expect(error?.message == message)
        }
    }

    /// bluetoothd reports a device when any discovering client's filter accepts it.
    @Test func filtersOfSeveralClientsAreMerged() async throws {
        let harness = try await SimulatorHarness.start()
        let app = try TestPeripheral(connection: harness.peripheral)
        try await app.register(on: "/org/bluez/hci1")
        let other = try await DBusConnection.open(.address(try #require(harness.simulator.busAddress)))
        defer { other.close() }
        try await harness.call("/org/bluez/hci0", "org.bluez.Adapter1", "SetDiscoveryFilter",
                               [.propertyDictionary(["UUIDs": .stringArray(["180d"])])])
        try await harness.call("/org/bluez/hci0", "org.bluez.Adapter1", "StartDiscovery")
        try await harness.call("/org/bluez/hci0", "org.bluez.Adapter1", "SetDiscoveryFilter",
                               [.propertyDictionary(["UUIDs": .stringArray([TestPeripheral.serviceUUID])])], on: other)
        try await harness.call("/org/bluez/hci0", "org.bluez.Adapter1", "StartDiscovery", on: other)
        try await eventually("the device") { harness.log.interfacesAdded(at: device) }
    }

    /// bluetoothd 5.66 keeps the device and its GATT objects after a disconnection (see
    /// DisconnectedDeviceTests for the rest).
    @Test func disconnectKeepsTheGattObjects() async throws {
        let harness = try await SimulatorHarness.start()
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        try await harness.call(device, "org.bluez.Device1", "Disconnect")
        try await eventually("Connected false") { harness.log.changes(of: "Connected", at: device).last == .boolean(false) }
        #expect(harness.log.changes(of: "ServicesResolved", at: device).last == .boolean(false))
        #expect(!harness.log.interfacesRemoved(at: service))
        #expect(!harness.log.interfacesRemoved(at: "/org/bluez/hci1/dev_00_AA_01_00_00_00"))
        #expect(try await harness.managedObjects()[try path(service)] != nil)
        let again = await harness.failure(device, "org.bluez.Device1", "Disconnect")
        #expect(again?.name == "org.bluez.Error.NotConnected")
    }

    @Test func ownerExitDropsItsAdvertisement() async throws {
        let harness = try await SimulatorHarness.start()
        let app = try TestPeripheral(connection: harness.peripheral)
        try await app.register(on: "/org/bluez/hci1")
        harness.peripheral.close()
        try await eventually("ActiveInstances 0") {
            try await harness.property("/org/bluez/hci1", "org.bluez.LEAdvertisingManager1", "ActiveInstances") == .byte(0)
        }
        let uuids = try await harness.property("/org/bluez/hci1", "org.bluez.Adapter1", "UUIDs").stringArray()
        #expect(!uuids.contains(TestPeripheral.serviceUUID))
    }

    @Test func unregisterCallsRelease() async throws {
        let harness = try await SimulatorHarness.start()
        let app = try TestPeripheral(connection: harness.peripheral)
        try await app.register(on: "/org/bluez/hci1")
        try await harness.stopAdvertising(app)
        try await eventually("Release") { !app.recorded("Release").isEmpty }
        let again = await harness.failure("/org/bluez/hci1", "org.bluez.LEAdvertisingManager1", "UnregisterAdvertisement",
                                          [.objectPath(try path("/org/test/advertisement0"))])
        #expect(again?.name == "org.bluez.Error.DoesNotExist")
    }
}
