import BlueZ
import DBus
import Testing
import TestSupport

@Suite(.serialized, .cleansUp, .timeLimit(.minutes(1))) struct AdapterTests {
    @Test func poweredCanBeSetAndAwaited() async throws {
        try await withFakeBlueZ { fake, session in
            let adapter = try session.adapter()
            try await adapter.setPowered(false, deadline: generous())
            #expect(try !adapter.properties().powered)
            #expect(fake.value("Powered", interface: BlueZInterface.adapter, at: FakePaths.adapter) == .boolean(false))
            await #expect { try await adapter.discover() } throws: { ($0 as? BlueZError)?.kind == .adapterPoweredOff }
            try await adapter.setPowered(true, deadline: generous())
            #expect(try adapter.properties().powered)
        }
    }

    @Test func aliasCanBeSetAndAwaited() async throws {
        try await withFakeBlueZ { fake, session in
            let adapter = try session.adapter()
            try await adapter.setAlias("Printer-3F0A", deadline: generous())
            #expect(try adapter.properties().alias == "Printer-3F0A")
            #expect(fake.value("Alias", interface: BlueZInterface.adapter, at: FakePaths.adapter) == .string("Printer-3F0A"))
            let missing = Adapter(session: session, path: try DBusObjectPath("/org/bluez/hci9"))
            await #expect { try await missing.setAlias("x", deadline: generous()) } throws: { ($0 as? BlueZError)?.kind == .unknownObject }
        }
    }

    @Test func discoveryStartsOnceAndStopsWithTheLastSession() async throws {
        try await withFakeBlueZ { fake, session in
            let adapter = try session.adapter()
            let first = try await adapter.discover(DiscoveryFilter(uuids: [FakeBlueZ.serviceUUID], duplicateData: true))
            let second = try await adapter.discover(DiscoveryFilter())
            #expect(fake.count("StartDiscovery") == 1)
            // The second filter (any UUID) widens the merged one: set again, without UUIDs.
            let filters = fake.filters.withLock { $0 }
            #expect(filters.count == 2)
            #expect(filters[0]["UUIDs"] == .stringArray([FakeBlueZ.serviceUUID]))
            #expect(filters[0]["Transport"] == .string("le"))
            #expect(filters[0]["DuplicateData"] == .boolean(true))
            #expect(filters[1]["UUIDs"] == nil)
            await first.stop()
            #expect(fake.count("StopDiscovery") == 0)
            await first.stop()
            await second.stop()
            #expect(fake.count("StopDiscovery") == 1)
            #expect(fake.filters.withLock { $0.last } == [:])
            let third = try await adapter.discover()
            #expect(fake.count("StartDiscovery") == 2)
            await third.stop()
            #expect(fake.count("StopDiscovery") == 2)
        }
    }

    @Test func discoveryIsRestartedAfterBluetoothdRestarts() async throws {
        try await withFakeBlueZ { fake, session in
            let discovery = try await session.adapter().discover(DiscoveryFilter(uuids: [FakeBlueZ.serviceUUID]))
            #expect(fake.count("StartDiscovery") == 1)
            try await fake.restart()
            try await eventually("StartDiscovery again") { fake.count("StartDiscovery") == 2 }
            #expect(fake.filters.withLock { $0.last?["UUIDs"] } == .stringArray([FakeBlueZ.serviceUUID]))
            await discovery.stop()
            #expect(fake.count("StopDiscovery") == 1)
        }
    }

    @Test func aDroppedDiscoverySessionStopsInTheBackground() async throws {
        try await withFakeBlueZ { fake, session in
            let adapter = try session.adapter()
            var discovery: DiscoverySession? = try await adapter.discover()
            #expect(discovery != nil)
            discovery = nil
            try await eventually("StopDiscovery") { fake.count("StopDiscovery") == 1 }
        }
    }

    @Test func discoveredDevicesAreReCheckedAgainstTheFilter() async throws {
        try await withFakeBlueZ(device: false) { fake, session in
            let adapter = try session.adapter()
            let discovery = try await adapter.discover(DiscoveryFilter(uuids: [FakeBlueZ.serviceUUID], rssi: -80))
            var devices = discovery.devices().makeAsyncIterator()
            // Not ours (other UUID): BlueZ may report it because another client's filter is wider.
            try fake.addDevice(at: FakePaths.otherDevice, address: "00:AA:01:01:00:02", name: "other", uuids: ["180f"])
            try fake.addDevice()
            let found = try #require(try await devices.next())
            #expect(found.isNew)
            #expect(found.device.path == FakePaths.device)
            #expect(found.properties.name == "printer")
            try fake.set("RSSI", .int16(-90), interface: BlueZInterface.device, at: FakePaths.device)  // too weak: skipped
            try fake.set("RSSI", .int16(-40), interface: BlueZInterface.device, at: FakePaths.otherDevice)  // not ours: skipped
            try fake.set("RSSI", .int16(-60), interface: BlueZInterface.device, at: FakePaths.device)
            // Reports carry the device's state when read, so an earlier event may already show -60.
            var stronger = try #require(try await devices.next())
            while stronger.properties.rssi != -60 { stronger = try #require(try await devices.next()) }
            #expect(!stronger.isNew)
            #expect(stronger.device.path == FakePaths.device)
            try fake.set("ManufacturerData", .uint16VariantDictionary([0xFFFF: .bytes([7])]), interface: BlueZInterface.device, at: FakePaths.device)
            var update = try #require(try await devices.next())
            while update.properties.manufacturerData.isEmpty { update = try #require(try await devices.next()) }
            #expect(update.properties.manufacturerData == [0xFFFF: [7]])
            let known = discovery.devices(includeKnown: true)
            var knownIterator = known.makeAsyncIterator()
            #expect(try await knownIterator.next()?.device.path == FakePaths.device)
            await discovery.stop()
        }
    }

    @Test func reportsSayWhetherTheDeviceWasHeardAdvertising() async throws {
        try await withFakeBlueZ { fake, session in
            // FakePaths.device: known from an earlier discovery, RSSI dropped since.
            // FakePaths.otherDevice: heard by a discovery still running (RSSI 127 counts too).
            try fake.addDevice(at: FakePaths.otherDevice, address: "00:AA:01:01:00:02", name: "heard")
            try fake.set("RSSI", .int16(127), interface: BlueZInterface.device, at: FakePaths.otherDevice)
            try await eventually("the RSSI cached") { session.properties(of: BlueZInterface.device, at: FakePaths.otherDevice)?["RSSI"] != nil }
            let discovery = try await session.adapter().discover(DiscoveryFilter(uuids: [FakeBlueZ.serviceUUID]))
            var devices = discovery.devices(includeKnown: true).makeAsyncIterator()
            var known: [DBusObjectPath: Bool] = [:]
            for _ in 0..<2 {
                let report = try #require(try await devices.next())
                #expect(!report.isNew)
                known[report.device.path] = report.isFresh
            }
            #expect(known == [FakePaths.device: false, FakePaths.otherDevice: true])
            try fake.set("Alias", .string("renamed"), interface: BlueZInterface.device, at: FakePaths.device)
            let renamed = try #require(try await devices.next())
            #expect(renamed.device.path == FakePaths.device)
            #expect(!renamed.isFresh)
            try fake.set("ManufacturerData", .uint16VariantDictionary([0xFFFF: .bytes([1])]), interface: BlueZInterface.device, at: FakePaths.device)
            let advertised = try #require(try await devices.next())
            #expect(advertised.device.path == FakePaths.device)
            #expect(advertised.isFresh)
            try fake.addDevice(at: try DBusObjectPath("/org/bluez/hci0/dev_00_AA_01_01_00_03"), address: "00:AA:01:01:00:03", name: "new")
            let appeared = try #require(try await devices.next())
            #expect(appeared.isNew && appeared.isFresh)
            #expect(try await { () async throws -> Bool? in
                var fresh = discovery.devices().makeAsyncIterator()
                try fake.set("RSSI", .int16(-50), interface: BlueZInterface.device, at: FakePaths.device)
                return try await fresh.next()?.isFresh
            }() == true)
            await discovery.stop()
        }
    }

    @Test func rssi127IsReadAsUnknown() async throws {
        try await withFakeBlueZ(device: false) { fake, session in
            let discovery = try await session.adapter().discover(DiscoveryFilter(uuids: [FakeBlueZ.serviceUUID]))
            var devices = discovery.devices().makeAsyncIterator()
            try fake.addDevice()
            _ = try #require(try await devices.next())
            // HCI's "RSSI not available": btvirt reports it for every advertisement.
            try fake.set("RSSI", .int16(127), interface: BlueZInterface.device, at: FakePaths.device)
            let unavailable = try #require(try await devices.next())
            #expect(unavailable.properties.rssi == nil)
            #expect(try Device(session: session, path: FakePaths.device).properties().rssi == nil)
            try fake.set("RSSI", .int16(-70), interface: BlueZInterface.device, at: FakePaths.device)
            var measured = try #require(try await devices.next())
            while measured.properties.rssi == nil { measured = try #require(try await devices.next()) }
            #expect(measured.properties.rssi == -70)
            #expect(DeviceProperties(path: FakePaths.device, properties: ["RSSI": .int16(126)]).rssi == 126)
            #expect(DeviceProperties(path: FakePaths.device, properties: ["RSSI": .int16(DeviceProperties.rssiNotAvailable)]).rssi == nil)
            await discovery.stop()
        }
    }

    @Test func removeDeviceDropsIt() async throws {
        try await withFakeBlueZ(gatt: true) { fake, session in
            let adapter = try session.adapter()
            let device = try #require(adapter.device(address: "00:AA:01:01:00:01"))
            try await adapter.removeDevice(device)
            try await eventually("device gone") { adapter.devices().isEmpty }
            await #expect { try await adapter.removeDevice(device) } throws: { ($0 as? BlueZError)?.kind == .doesNotExist }
            #expect(fake.count("RemoveDevice") == 2)
        }
    }
}
