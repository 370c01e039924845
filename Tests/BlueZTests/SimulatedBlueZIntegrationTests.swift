import BlueZ
import DBus
import SimulatedBlueZ
import Synchronization
import Testing
import TestSupport

/// The BlueZ client in both roles against the simulated BlueZ: a peripheral session on hci1
/// (GATT application + advertisement) and a central session on hci0. The dbus-daemon is
/// started and stopped off the cooperative pool (TestSupport's `PrivateBus`).
@Suite(.serialized, .cleansUp, .timeLimit(.minutes(1))) struct SimulatedBlueZIntegrationTests {
    static let service = "6fa9a0e4-3710-4ad4-b6d7-2f426d4f9725"
    static let info = "6fa9a0e5-3710-4ad4-b6d7-2f426d4f9725"
    static let request = "6fa9a0e6-3710-4ad4-b6d7-2f426d4f9725"
    static let events = "6fa9a0e7-3710-4ad4-b6d7-2f426d4f9725"

    @Test(arguments: [UInt16(23), 247])
    func centralAndPeripheralOverTheSimulatedRadio(mtu: UInt16) async throws {
        let bus = try await PrivateBus.start()
        let address = bus.address
        let sim = try await SimulatedBlueZ.start(
            busAddress: address, configuration: SimulatorConfiguration(adapterCount: 2, mtu: mtu, connectionInterval: .zero, rssi: -50))
        try CleanupScope.atEnd(of: "the simulator") { await sim.stop() }
        let peripheralConnection = try await DBusConnection.open(.address(address), timeout: .seconds(30))
        let centralConnection = try await DBusConnection.open(.address(address), timeout: .seconds(30))
        let peripheral = try await BlueZSession.open(peripheralConnection, timeout: .seconds(30))
        let central = try await BlueZSession.open(centralConnection, timeout: .seconds(30))
        defer {
            central.close()
            peripheral.close()
            centralConnection.close()
            peripheralConnection.close()
        }

        // Peripheral: info (read), request (write; answers each write with a notification), events (notify).
        let events = LocalCharacteristic(uuid: Self.events, flags: ["notify"])
        let written = Mutex<[[UInt8]]>([])
        let request = LocalCharacteristic(
            uuid: Self.request, flags: ["write", "write-without-response"],
            onWrite: { value, _ throws(BlueZError) in
                written.withLock { $0.append(value) }
                try events.notify(value.reversed())
            })
        let info = LocalCharacteristic(uuid: Self.info, flags: ["read"], value: Array("printer info".utf8))
        let printerAdapter = try peripheral.adapter(named: "hci1")
        let app = try await GattApplication.register(
            [LocalService(uuid: Self.service, characteristics: [info, request, events])], on: printerAdapter)
        let advertisement = try await printerAdapter.advertise(Advertisement(
            serviceUUIDs: [Self.service], manufacturerData: [0xFFFF: [1, 2, 3]], localName: "printer"))

        // Central: discover, connect, resolve, read, notify, write.
        let adapter = try central.adapter(named: "hci0")
        let discovery = try await adapter.discover(DiscoveryFilter(uuids: [Self.service]))
        var found: DiscoveredDevice?
        for try await report in discovery.devices(includeKnown: true) {
            found = report
            break
        }
        await discovery.stop()
        let report = try #require(found)
        #expect(report.properties.uuids.contains(Self.service))
        let device = report.device
        try await device.connect(deadline: generous())
        let characteristics = try await device.resolveCharacteristics(
            service: Self.service, characteristics: [Self.info, Self.request, Self.events], deadline: generous())
        #expect(try await characteristics[0].readValue() == Array("printer info".utf8))
        #expect(characteristics[1].mtu == mtu)
        let notifications = try await characteristics[2].notifications()
        var iterator = notifications.makeAsyncIterator()
        try await characteristics[1].writeValue([1, 2, 3], type: .request)
        #expect(try await iterator.next() == [3, 2, 1])
        try await characteristics[1].writeValue([4, 5], type: .command)
        #expect(try await iterator.next() == [5, 4])
        #expect(written.withLock { $0 } == [[1, 2, 3], [4, 5]])
        await notifications.stop()
        try await device.disconnect(deadline: generous())
        #expect(try !device.properties().connected)

        await advertisement.unregister()
        await app.unregister()
        await sim.stop()
        await bus.stop()
    }

    @Test func faultsReachTheClient() async throws {
        let bus = try await PrivateBus.start()
        let address = bus.address
        let sim = try await SimulatedBlueZ.start(
            busAddress: address, configuration: SimulatorConfiguration(adapterCount: 2, mtu: 247, connectionInterval: .zero, rssi: -50))
        try CleanupScope.atEnd(of: "the simulator") { await sim.stop() }
        let connection = try await DBusConnection.open(.address(address), timeout: .seconds(30))
        let session = try await BlueZSession.open(connection, timeout: .seconds(30))
        defer {
            session.close()
            connection.close()
        }
        #expect(session.adapters().map(\.name) == ["hci0", "hci1"])

        // An adapter vanishing is an InterfacesRemoved of Adapter1.
        var events = session.events(.subtree(try session.adapter(named: "hci1").path)).makeAsyncIterator()
        #expect(await sim.faults.removeAdapter(1))
        while let event = await events.next() {
            if case .interfacesRemoved(let path, let names) = event, path.rawValue == "/org/bluez/hci1", names.contains(BlueZInterface.adapter) { break }
        }
        #expect(session.adapters().map(\.name) == ["hci0"])

        // A bluetoothd restart: the cache is dropped, then re-synced with the fresh adapters.
        var all = session.events().makeAsyncIterator()
        try await sim.faults.restartBluetoothd()
        var sawStop = false
        while let event = await all.next() {
            if event == .bluetoothdStopped { sawStop = true }
            if event == .bluetoothdStarted { break }
        }
        #expect(sawStop)
        let adapter = try await session.waitForAdapter(named: "hci0", deadline: generous())
        #expect(try adapter.properties().powered)
        await sim.stop()
        await bus.stop()
    }
}
