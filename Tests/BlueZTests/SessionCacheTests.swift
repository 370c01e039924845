import BlueZ
import DBus
import Testing
import TestSupport

@Suite(.serialized, .cleansUp, .timeLimit(.minutes(1))) struct SessionCacheTests {
    @Test func snapshotHoldsAdapterAndDevice() async throws {
        try await withFakeBlueZ { _, session in
            #expect(session.isBluetoothdAvailable)
            let adapter = try session.adapter()
            #expect(adapter.name == "hci0")
            #expect(try session.adapter(named: "hci0") == adapter)
            #expect(throws: BlueZError.self) { try session.adapter(named: "hci9") }
            let properties = try adapter.properties()
            #expect(properties.address == "00:AA:01:00:00:00")
            #expect(properties.powered)
            #expect(properties.roles == ["central", "peripheral"])
            let device = try #require(adapter.device(address: "00:aa:01:01:00:01"))
            #expect(device.path == FakePaths.device)
            #expect(adapter.devices() == [device])
            let deviceProperties = try device.properties()
            #expect(deviceProperties.name == "printer")
            #expect(deviceProperties.rssi == nil)
            #expect(deviceProperties.uuids == [FakeBlueZ.serviceUUID])
            #expect(device.adapter == adapter)
        }
    }

    @Test func propertiesChangedAndInvalidatedUpdateTheCache() async throws {
        try await withFakeBlueZ { fake, session in
            let device = Device(session: session, path: FakePaths.device)
            var events = device.events().makeAsyncIterator()
            try fake.set("RSSI", .int16(-52), interface: BlueZInterface.device, at: FakePaths.device)
            let changed = await events.next()
            #expect(changed == .propertiesChanged(FakePaths.device, interface: BlueZInterface.device, changed: ["RSSI": .int16(-52)], invalidated: []))
            #expect(try device.properties().rssi == -52)
            try fake.set("ManufacturerData", .uint16VariantDictionary([0x004C: .bytes([1, 2])]), interface: BlueZInterface.device, at: FakePaths.device)
            try fake.set("ServiceData", .propertyDictionary(["180a": .bytes([9])]), interface: BlueZInterface.device, at: FakePaths.device)
            _ = await events.next()
            _ = await events.next()
            #expect(try device.properties().manufacturerData == [0x004C: [1, 2]])
            #expect(try device.properties().serviceData == ["0000180a-0000-1000-8000-00805f9b34fb": [9]])
            try fake.set("RSSI", nil, interface: BlueZInterface.device, at: FakePaths.device)
            let invalidated = await events.next()
            #expect(invalidated == .propertiesChanged(FakePaths.device, interface: BlueZInterface.device, changed: [:], invalidated: ["RSSI"]))
            #expect(try device.properties().rssi == nil)
        }
    }

    @Test func interfacesAddedAndRemovedUpdateTheCache() async throws {
        try await withFakeBlueZ { fake, session in
            var events = session.events(.subtree(FakePaths.otherDevice)).makeAsyncIterator()
            try fake.addDevice(at: FakePaths.otherDevice, address: "00:AA:01:01:00:02", name: "other")
            guard case .interfacesAdded(let path, let interfaces)? = await events.next() else {
                Issue.record("no InterfacesAdded")
                return
            }
            #expect(path == FakePaths.otherDevice)
            #expect(interfaces[BlueZInterface.device]?["Name"] == .string("other"))
            #expect(try Device(session: session, path: FakePaths.otherDevice).properties().name == "other")
            fake.removeObjects(below: FakePaths.otherDevice)
            guard case .interfacesRemoved(FakePaths.otherDevice, let names)? = await events.next() else {
                Issue.record("no InterfacesRemoved")
                return
            }
            #expect(names.contains(BlueZInterface.device))
            #expect(session.properties(of: BlueZInterface.device, at: FakePaths.otherDevice) == nil)
            #expect(throws: BlueZError.self) { try Device(session: session, path: FakePaths.otherDevice).properties() }
        }
    }

    @Test func bluetoothdRestartDropsAndResyncsTheCache() async throws {
        try await withFakeBlueZ { fake, session in
            var events = session.events().makeAsyncIterator()
            try await fake.restart()
            var sawStop = false
            while let event = await events.next() {
                if event == .bluetoothdStopped {
                    sawStop = true
                }
                if event == .bluetoothdStarted { break }
            }
            #expect(sawStop)
            #expect(session.isBluetoothdAvailable)
            let adapter = try await session.waitForAdapter(named: "hci0", deadline: generous())
            #expect(try adapter.properties().powered)
            #expect(adapter.device(address: "00:AA:01:01:00:01") != nil)
        }
    }

    @Test func aWaitEndsWithBluetoothdRestarted() async throws {
        try await withFakeBlueZ { fake, session in
            fake.resolveOnConnect.withLock { $0 = false }
            let device = Device(session: session, path: FakePaths.device)
            try await device.connect(deadline: generous())
            let wait = Task { try await device.waitForServicesResolved(deadline: generous()) }
            try await Task.sleep(for: .milliseconds(50))
            try await fake.restart()
            await #expect { try await wait.value } throws: { ($0 as? BlueZError)?.kind == .bluetoothdRestarted }
        }
    }

    @Test func sessionWaitsForAnAbsentBluetoothd() async throws {
        let bus = try await PrivateBus.start()
        let client = try await DBusConnection.open(.address(bus.address), timeout: .seconds(30))
        defer { client.close() }
        let session = try await BlueZSession.open(client, timeout: .seconds(30))
        defer { session.close() }
        #expect(!session.isBluetoothdAvailable)
        #expect(throws: BlueZError.self) { try session.adapter() }
        let waiting = Task { try await session.waitForAdapter(deadline: generous()) }
        let fake = try await FakeBlueZ.start(address: bus.address)
        defer { fake.close() }
        let adapter = try await waiting.value
        #expect(adapter.path == FakePaths.adapter)
        await bus.stop()
    }
}
