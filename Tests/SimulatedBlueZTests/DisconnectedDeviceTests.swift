import DBus
import SimulatedBlueZ
import Testing
import TestSupport

/// What bluetoothd 5.66 does with a device after the link drops (Tests/RealBlueZ/README.md):
/// the device and its GATT objects stay, calls on them fail "Not connected", MTU is absent,
/// a reconnection to the same database adds nothing, and an unpaired device not seen for
/// TemporaryTimeout is removed, GATT objects first.
@Suite("Simulated bluetoothd: disconnected devices keep their GATT objects until they expire", .cleansUp, .timeLimit(.minutes(2)))
struct DisconnectedDeviceTests {
    let device = "/org/bluez/hci0/dev_00_AA_01_01_00_01"
    let centralOnPeripheral = "/org/bluez/hci1/dev_00_AA_01_00_00_00"
    var service: String { device + "/service0015" }
    var readCharacteristic: String { service + "/char0016" }
    var readDescriptor: String { readCharacteristic + "/desc0018" }
    var writeCharacteristic: String { service + "/char0019" }
    var notifyCharacteristic: String { service + "/char001c" }
    let characteristicInterface = "org.bluez.GattCharacteristic1"
    let noOptions: DBusValue = .propertyDictionary([:])

    /// A temporary-device timeout short enough for a test and long enough that a loaded machine
    /// (parallel suites on 2 cores) still connects before a device it just discovered expires.
    static let shortTimeout = Duration.seconds(2)

    static func harness(temporaryTimeout: Duration = .seconds(30)) async throws -> SimulatorHarness {
        try await SimulatorHarness.start(configuration: .init(connectionInterval: .zero, temporaryTimeout: temporaryTimeout))
    }

    @Test func disconnectKeepsTheDeviceAndItsGattObjects() async throws {
        let harness = try await Self.harness()
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        let mark = harness.log.all.count
        try await harness.call(device, "org.bluez.Device1", "Disconnect")
        try await eventually("the peripheral's Connected false") {
            harness.log.changes(of: "Connected", at: centralOnPeripheral).last == .boolean(false)
        }
        // Our own Disconnect: ServicesResolved, then Connected, in two signals.
        #expect(harness.log.changedNames(at: device, after: mark) == [["ServicesResolved"], ["Connected"]])
        #expect(harness.log.changes(of: "Connected", at: device).last == .boolean(false))
        // The peripheral side sees one signal with both.
        #expect(harness.log.changedNames(at: centralOnPeripheral, after: mark) == [["Connected", "ServicesResolved"]])
        #expect(harness.log.objectPaths(of: "InterfacesRemoved", after: mark).isEmpty)
        let objects = try await harness.managedObjects()
        for path in [device, service, readCharacteristic, readDescriptor, writeCharacteristic, notifyCharacteristic, centralOnPeripheral] {
            #expect(objects[try DBusObjectPath(path)] != nil, "\(path) kept")
        }
        #expect(objects[try DBusObjectPath(device)]?["org.bluez.Device1"]?["ServicesResolved"] == .boolean(false))
        #expect(objects[try DBusObjectPath(centralOnPeripheral)]?["org.bluez.Device1"]?["Connected"] == .boolean(false))
        let again = await harness.failure(device, "org.bluez.Device1", "Disconnect")
        #expect(again?.name == "org.bluez.Error.NotConnected")
    }

    @Test func linkLossSendsServicesResolvedAndConnectedInOneSignal() async throws {
        let harness = try await Self.harness()
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        let mark = harness.log.all.count
        #expect(await harness.simulator.faults.disconnect(address: "00:AA:01:01:00:01") == 1)
        try await eventually("Connected false") { harness.log.changes(of: "Connected", at: device).last == .boolean(false) }
        #expect(harness.log.changedNames(at: device, after: mark) == [["Connected", "ServicesResolved"]])
        #expect(harness.log.objectPaths(of: "InterfacesRemoved", after: mark).isEmpty)
    }

    @Test func whileDisconnectedMTUIsAbsentAndCallsFailNotConnected() async throws {
        // As recorded on bluetoothd 5.66 (Tests/RealBlueZ/reference/reconnect/reconnect.json).
        let harness = try await Self.harness()
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        #expect(try await harness.property(readCharacteristic, characteristicInterface, "MTU") == .uint16(517))
        let read = try await harness.call(readCharacteristic, characteristicInterface, "ReadValue", [noOptions])
        #expect(read.first == .bytes(TestPeripheral.readValue))
        try await harness.call(notifyCharacteristic, characteristicInterface, "StartNotify")
        try await eventually("Notifying") { harness.log.changes(of: "Notifying", at: notifyCharacteristic).last == .boolean(true) }
        try await harness.call(device, "org.bluez.Device1", "Disconnect")

        let objects = try await harness.managedObjects()
        let characteristic = try #require(objects[try DBusObjectPath(readCharacteristic)]?[characteristicInterface])
        #expect(characteristic["MTU"] == nil)
        #expect(characteristic["UUID"] != nil)
        // The Value read before the disconnection stays cached on the object.
        #expect(characteristic["Value"] == .bytes(TestPeripheral.readValue))
        let all = try await harness.call(readCharacteristic, "org.freedesktop.DBus.Properties", "GetAll", [.string(characteristicInterface)])
        #expect(try #require(all.first).propertyDictionary()["MTU"] == nil)
        let mtu = await harness.failure(readCharacteristic, "org.freedesktop.DBus.Properties", "Get", [.string(characteristicInterface), .string("MTU")])
        #expect(mtu?.name == "org.freedesktop.DBus.Error.InvalidArgs")
        #expect(mtu?.message == "No such property 'MTU'")
        // The notification session outlives the link.
        #expect(try await harness.property(notifyCharacteristic, characteristicInterface, "Notifying") == .boolean(true))

        let calls: [(String, String, String, [DBusValue])] = [
            (readCharacteristic, characteristicInterface, "ReadValue", [noOptions]),
            (writeCharacteristic, characteristicInterface, "WriteValue", [.bytes([1]), noOptions]),
            (readDescriptor, "org.bluez.GattDescriptor1", "ReadValue", [noOptions]),
        ]
        for (path, interface, member, body) in calls {
            let error = await harness.failure(path, interface, member, body)
            #expect(error?.name == "org.bluez.Error.Failed", "\(member) at \(path)")
            #expect(error?.message == "Not connected", "\(member) at \(path)")
        }
        // StartNotify again from the client whose session waits for a link: InProgress.
        let again = await harness.failure(notifyCharacteristic, characteristicInterface, "StartNotify")
        #expect(again?.name == "org.bluez.Error.InProgress")
        #expect(again?.message == "In Progress")
        // Another client has no session: Not connected.
        let other = await harness.failure(notifyCharacteristic, characteristicInterface, "StartNotify", on: harness.peripheral)
        #expect(other?.name == "org.bluez.Error.Failed")
        #expect(other?.message == "Not connected")
        #expect(app.recorded("WriteValue").isEmpty)
        // Stopping the waiting session works while disconnected; then there is none to stop.
        try await harness.call(notifyCharacteristic, characteristicInterface, "StopNotify")
        #expect(try await harness.property(notifyCharacteristic, characteristicInterface, "Notifying") == .boolean(false))
        let stop = await harness.failure(notifyCharacteristic, characteristicInterface, "StopNotify")
        #expect(stop?.name == "org.bluez.Error.Failed")
        #expect(stop?.message == "No notify session started")
    }

    @Test func aNotificationSessionResumesOnReconnection() async throws {
        // bluetoothd 5.66: Notifying stays true, the CCC is written again on reconnection (the
        // application gets StartNotify), notifications arrive without a new StartNotify, and
        // StopNotify then succeeds.
        let harness = try await Self.harness()
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        try await harness.call(notifyCharacteristic, characteristicInterface, "StartNotify")
        try await eventually("Notifying") { harness.log.changes(of: "Notifying", at: notifyCharacteristic).last == .boolean(true) }
        #expect(app.recorded("StartNotify").count == 1)
        try await harness.call(device, "org.bluez.Device1", "Disconnect")
        try await eventually("the application's StopNotify") { app.recorded("StopNotify").count == 1 }
        let mark = harness.log.all.count
        try await harness.call(device, "org.bluez.Device1", "Connect")
        try await eventually("ServicesResolved again") { harness.log.changes(of: "ServicesResolved", at: device).last == .boolean(true) }
        #expect(app.recorded("StartNotify").count == 2)
        #expect(!harness.log.changedNames(at: notifyCharacteristic, after: mark).contains { $0.contains("Notifying") })
        try app.notify([4, 2])
        try await eventually("the notification") { harness.log.changes(of: "Value", at: notifyCharacteristic).last == .bytes([4, 2]) }
        try await harness.call(notifyCharacteristic, characteristicInterface, "StopNotify")
        try await eventually("Notifying false") { harness.log.changes(of: "Notifying", at: notifyCharacteristic).last == .boolean(false) }
        try await eventually("the application's second StopNotify") { app.recorded("StopNotify").count == 2 }
    }

    @Test func reconnectingToTheSameDatabaseAddsNothingAndWorksAgain() async throws {
        let harness = try await Self.harness()
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        try await harness.call(device, "org.bluez.Device1", "Disconnect")
        let mark = harness.log.all.count
        try await harness.call(device, "org.bluez.Device1", "Connect")
        try await eventually("ServicesResolved again") { harness.log.changes(of: "ServicesResolved", at: device).last == .boolean(true) }
        #expect(harness.log.objectPaths(of: "InterfacesAdded", after: mark).isEmpty)
        #expect(harness.log.objectPaths(of: "InterfacesRemoved", after: mark).isEmpty)
        #expect(!harness.log.changedNames(at: readCharacteristic, after: mark).contains { $0.contains("MTU") })
        // The peripheral's Device1 for the central was kept too: it only turns Connected.
        // Its signal comes from the other adapter's side and may reach the log a moment later.
        try await eventually("the peripheral's Device1 connected again") {
            harness.log.changes(of: "Connected", at: centralOnPeripheral).last == .boolean(true)
        }
        #expect(try await harness.property(readCharacteristic, characteristicInterface, "MTU") == .uint16(517))
        let all = try await harness.call(readCharacteristic, "org.freedesktop.DBus.Properties", "GetAll", [.string(characteristicInterface)])
        #expect(try #require(all.first).propertyDictionary()["MTU"] == .uint16(517))
        let read = try await harness.call(readCharacteristic, characteristicInterface, "ReadValue", [noOptions])
        #expect(read.first == .bytes(TestPeripheral.readValue))
        try await harness.call(writeCharacteristic, characteristicInterface, "WriteValue", [.bytes([7]), noOptions])
        #expect(app.recorded("WriteValue").last?.value == [7])
        try await harness.call(notifyCharacteristic, characteristicInterface, "StartNotify")
        try app.notify([9])
        try await eventually("the notification") { harness.log.changes(of: "Value", at: notifyCharacteristic).last == .bytes([9]) }
    }

    @Test func reconnectingToAChangedDatabaseReplacesTheObjects() async throws {
        let harness = try await Self.harness()
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        try await harness.call(device, "org.bluez.Device1", "Disconnect")
        // The printer restarts: its application comes back from another connection.
        harness.peripheral.close()
        let restarted = try await DBusConnection.open(.address(try #require(harness.simulator.busAddress)))
        defer { restarted.close() }
        let newApp = try TestPeripheral(connection: restarted)
        try await newApp.register(on: "/org/bluez/hci1")
        let mark = harness.log.all.count
        try await harness.call(device, "org.bluez.Device1", "Connect")
        try await eventually("ServicesResolved again") { harness.log.changes(of: "ServicesResolved", at: device).last == .boolean(true) }
        let removed = harness.log.objectPaths(of: "InterfacesRemoved", after: mark)
        let added = harness.log.objectPaths(of: "InterfacesAdded", after: mark)
        #expect(removed.contains(readCharacteristic))
        #expect(removed.firstIndex(of: readDescriptor) ?? .max < removed.firstIndex(of: service) ?? -1)
        #expect(added.contains(readCharacteristic))
        let read = try await harness.call(readCharacteristic, characteristicInterface, "ReadValue", [noOptions])
        #expect(read.first == .bytes(TestPeripheral.readValue))
        #expect(newApp.recorded("ReadValue").count == 1)
    }

    @Test func anExpiredDeviceGoesGattObjectsFirst() async throws {
        let harness = try await Self.harness(temporaryTimeout: Self.shortTimeout)
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        let mark = harness.log.all.count
        let disconnected = ContinuousClock.now
        try await harness.call(device, "org.bluez.Device1", "Disconnect")
        #expect(!harness.log.interfacesRemoved(at: device))
        try await eventually("the device's expiry") { harness.log.interfacesRemoved(at: device) }
        #expect(ContinuousClock.now - disconnected >= Self.shortTimeout)
        let removed = harness.log.objectPaths(of: "InterfacesRemoved", after: mark)
        let ours = removed.filter { $0.hasPrefix(device) }
        #expect(ours.last == device)
        #expect(Set(ours).isSuperset(of: [service, readCharacteristic, readDescriptor, writeCharacteristic, notifyCharacteristic]))
        #expect(ours.firstIndex(of: readDescriptor) ?? .max < ours.firstIndex(of: readCharacteristic) ?? -1)
        #expect(ours.firstIndex(of: readCharacteristic) ?? .max < ours.firstIndex(of: service) ?? -1)
        // The peripheral's Device1 for the central expires the same way.
        try await eventually("the central's expiry on hci1") { harness.log.interfacesRemoved(at: centralOnPeripheral) }
        let objects = try await harness.managedObjects()
        #expect(objects.keys.allSatisfy { !$0.rawValue.hasPrefix(device) && !$0.rawValue.hasPrefix(centralOnPeripheral) })
        let connect = await harness.failure(device, "org.bluez.Device1", "Connect")
        #expect(connect?.name == "org.freedesktop.DBus.Error.UnknownObject")
    }

    @Test func aFreshAdvertisingReportRestartsTheExpiry() async throws {
        // Wide margins (seconds, not milliseconds): parallel suites can delay any step here.
        let harness = try await Self.harness(temporaryTimeout: .seconds(6))
        let app = try TestPeripheral(connection: harness.peripheral)
        try await harness.discoverPeripheral(app)
        try await harness.call("/org/bluez/hci0", "org.bluez.Adapter1", "StopDiscovery")
        // The first report came before this instant: its expiry is due by firstHeard + 6 s.
        let firstHeard = ContinuousClock.now
        try await Task.sleep(for: .seconds(3))
        // A new discovery session hears the printer again, 3 s or more after the first report.
        let reports = harness.log.changes(of: "RSSI", at: device).count
        try await harness.call("/org/bluez/hci0", "org.bluez.Adapter1", "StartDiscovery")
        try await eventually("a fresh report") { harness.log.changes(of: "RSSI", at: device).count > reports }
        try await harness.call("/org/bluez/hci0", "org.bluez.Adapter1", "StopDiscovery")
        // 1 s past the first report's expiry, 2 s or more before the fresh one's.
        try await Task.sleep(until: firstHeard + .seconds(7), clock: .continuous)
        #expect(!harness.log.interfacesRemoved(at: device))
        try await eventually("the expiry of the fresh report") { harness.log.interfacesRemoved(at: device) }
    }

    @Test func aPeripheralStillHeardByADiscoveringAdapterDoesNotExpire() async throws {
        let harness = try await Self.harness(temporaryTimeout: Self.shortTimeout)
        let app = try TestPeripheral(connection: harness.peripheral)
        try await harness.discoverPeripheral(app)
        try await Task.sleep(for: Self.shortTimeout * 2)
        #expect(!harness.log.interfacesRemoved(at: device))
        try await harness.call("/org/bluez/hci0", "org.bluez.Adapter1", "StopDiscovery")
        try await eventually("the expiry once nobody listens") { harness.log.interfacesRemoved(at: device) }
    }

    @Test func aPairedDeviceDoesNotExpire() async throws {
        let harness = try await Self.harness(temporaryTimeout: Self.shortTimeout)
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        try await harness.call(device, "org.bluez.Device1", "Pair")
        try await harness.call(device, "org.bluez.Device1", "Disconnect")
        try await Task.sleep(for: Self.shortTimeout * 2)
        #expect(!harness.log.interfacesRemoved(at: device))
        #expect(!harness.log.interfacesRemoved(at: readCharacteristic))
        // The unpaired central on the peripheral's side does expire.
        try await eventually("the central's expiry on hci1") { harness.log.interfacesRemoved(at: centralOnPeripheral) }
    }

    @Test func removeDeviceRemovesAKeptDatabaseChildrenFirst() async throws {
        let harness = try await Self.harness()
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        try await harness.call(device, "org.bluez.Device1", "Disconnect")
        let mark = harness.log.all.count
        try await harness.call("/org/bluez/hci0", "org.bluez.Adapter1", "RemoveDevice", [.objectPath(try DBusObjectPath(device))])
        try await eventually("the device's removal") { harness.log.interfacesRemoved(at: device) }
        let ours = harness.log.objectPaths(of: "InterfacesRemoved", after: mark)
        #expect(ours.last == device)
        #expect(ours.firstIndex(of: readDescriptor) ?? .max < ours.firstIndex(of: service) ?? -1)
        #expect(try await harness.managedObjects().keys.allSatisfy { !$0.rawValue.hasPrefix(device) })
    }

    @Test func stopDoesNotWaitForPendingExpiries() async throws {
        let harness = try await Self.harness()
        let app = try TestPeripheral(connection: harness.peripheral)
        _ = try await harness.connectToPeripheral(app)
        try await harness.call(device, "org.bluez.Device1", "Disconnect")
        let started = ContinuousClock.now
        await harness.stop()
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
