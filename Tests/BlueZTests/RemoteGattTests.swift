import BlueZ
import DBus
import Testing
import TestSupport

@Suite(.serialized, .cleansUp, .timeLimit(.minutes(1))) struct RemoteGattTests {
    @Test func servicesAndCharacteristicsAreFoundByUUID() async throws {
        try await withFakeBlueZ(gatt: true) { _, session in
            let device = Device(session: session, path: FakePaths.device)
            try await device.connect(deadline: generous())
            let service = try device.service(FakeBlueZ.serviceUUID.uppercased())
            #expect(service.path == FakePaths.service)
            #expect(try service.properties().primary)
            #expect(device.services() == [service])
            let characteristic = try service.characteristic(FakeBlueZ.characteristicUUID)
            #expect(service.characteristics() == [characteristic])
            #expect(try characteristic.properties().flags.contains("notify"))
            #expect(characteristic.mtu == 247)
            let resolved = try await device.resolveCharacteristics(
                service: FakeBlueZ.serviceUUID, characteristics: [FakeBlueZ.characteristicUUID], deadline: generous())
            #expect(resolved == [characteristic])
            #expect(throws: BlueZError.self) { try device.service("180f") }
            #expect(throws: BlueZError.self) { try service.characteristic("2a00") }
        }
    }

    @Test func mtuFallsBackTo23() async throws {
        try await withFakeBlueZ(gatt: false) { fake, session in
            try fake.addGattObjects(mtu: nil)
            #expect(RemoteCharacteristic(session: session, path: FakePaths.characteristic).mtu == 23)
        }
    }

    @Test func aMissingCharacteristicCanDropTheStaleCache() async throws {
        try await withFakeBlueZ(gatt: true) { fake, session in
            let device = Device(session: session, path: FakePaths.device)
            try await device.connect(deadline: generous())
            await #expect {
                try await device.resolveCharacteristics(service: FakeBlueZ.serviceUUID, characteristics: ["2a00"], deadline: generous())
            } throws: { ($0 as? BlueZError)?.kind == .characteristicNotFound }
            #expect(fake.count("RemoveDevice") == 0)
            await #expect {
                try await device.resolveCharacteristics(
                    service: FakeBlueZ.serviceUUID, characteristics: ["2a00"], deadline: generous(), onMissing: .removeDevice)
            } throws: { ($0 as? BlueZError)?.kind == .characteristicNotFound }
            #expect(fake.count("RemoveDevice") == 1)
        }
    }

    @Test func readValueAndItsErrors() async throws {
        try await withFakeBlueZ(gatt: true) { fake, session in
            let characteristic = RemoteCharacteristic(session: session, path: FakePaths.characteristic)
            try fake.set("Value", .bytes([1, 2, 3, 4]), interface: BlueZInterface.gattCharacteristic, at: FakePaths.characteristic)
            #expect(try await characteristic.readValue() == [1, 2, 3, 4])
            #expect(try await characteristic.readValue(offset: 2) == [3, 4])
            fake.readError.withLock { $0 = DBusError(errorName: "org.bluez.Error.NotPermitted", message: "Read not permitted") }
            await #expect { try await characteristic.readValue() } throws: { ($0 as? BlueZError)?.kind == .notPermitted }
            fake.readError.withLock { $0 = DBusError(errorName: "org.bluez.Error.Failed", message: "Operation failed with ATT error: 0x0e") }
            await #expect { try await characteristic.readValue() } throws: { error in
                guard let error = error as? BlueZError else { return false }
                return error.kind == .att && error.attErrorCode == 0x0E
            }
        }
    }

    @Test func writesAreSerialisedPerCharacteristic() async throws {
        try await withFakeBlueZ(gatt: true) { fake, session in
            let characteristic = RemoteCharacteristic(session: session, path: FakePaths.characteristic)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        try await characteristic.writeValue([UInt8(index)], type: index % 2 == 0 ? .request : .command)
                    }
                }
                try await group.waitForAll()
            }
            let writes = fake.writes.withLock { $0 }
            #expect(writes.values.count == 6)
            #expect(Set(writes.values) == Set((0..<6).map { [UInt8($0)] }))
            #expect(writes.maxActive == 1)
        }
    }

    @Test func writesKeepTheirOrderFromOneTask() async throws {
        try await withFakeBlueZ(gatt: true) { fake, session in
            let characteristic = RemoteCharacteristic(session: session, path: FakePaths.characteristic)
            for index in 0..<4 { try await characteristic.writeValue([UInt8(index)], type: .command) }
            #expect(fake.writes.withLock { $0.values } == [[0], [1], [2], [3]])
        }
    }

    @Test func aNotificationSentInsideStartNotifyIsReceived() async throws {
        try await withFakeBlueZ(gatt: true) { fake, session in
            fake.notifyDuringStartNotify.withLock { $0 = [0xAA, 0xBB] }
            let characteristic = RemoteCharacteristic(session: session, path: FakePaths.characteristic)
            let notifications = try await characteristic.notifications()
            var iterator = notifications.makeAsyncIterator()
            #expect(try await iterator.next() == [0xAA, 0xBB])
            try fake.set("Value", .bytes([1]), interface: BlueZInterface.gattCharacteristic, at: FakePaths.characteristic)
            #expect(try await iterator.next() == [1])
            await notifications.stop()
            #expect(fake.count("StopNotify") == 1)
        }
    }

    @Test func notificationSessionsAreShared() async throws {
        try await withFakeBlueZ(gatt: true) { fake, session in
            let characteristic = RemoteCharacteristic(session: session, path: FakePaths.characteristic)
            let first = try await characteristic.notifications()
            let second = try await characteristic.notifications()
            #expect(fake.count("StartNotify") == 1)
            try fake.set("Value", .bytes([5]), interface: BlueZInterface.gattCharacteristic, at: FakePaths.characteristic)
            var a = first.makeAsyncIterator()
            var b = second.makeAsyncIterator()
            #expect(try await a.next() == [5])
            #expect(try await b.next() == [5])
            await first.stop()
            #expect(fake.count("StopNotify") == 0)
            await second.stop()
            #expect(fake.count("StopNotify") == 1)
        }
    }

    @Test func notificationsEndWhenTheCharacteristicVanishes() async throws {
        try await withFakeBlueZ(gatt: true) { fake, session in
            let characteristic = RemoteCharacteristic(session: session, path: FakePaths.characteristic)
            let notifications = try await characteristic.notifications()
            var iterator = notifications.makeAsyncIterator()
            fake.removeObjects(below: FakePaths.service)
            await #expect { try await iterator.next() } throws: { ($0 as? BlueZError)?.kind == .disconnected }
            await notifications.stop()
        }
    }

    @Test func notificationsEndWhenTheDeviceDisconnectsButItsObjectsStay() async throws {
        // bluetoothd 5.66 keeps a disconnected device's GATT objects (found in the VM tier).
        try await withFakeBlueZ(gatt: true) { fake, session in
            let characteristic = RemoteCharacteristic(session: session, path: FakePaths.characteristic)
            #expect(characteristic.devicePath == FakePaths.device)
            let notifications = try await characteristic.notifications()
            var iterator = notifications.makeAsyncIterator()
            try fake.set("Connected", .boolean(true), interface: BlueZInterface.device, at: FakePaths.device)
            try fake.set("Value", .bytes([7]), interface: BlueZInterface.gattCharacteristic, at: FakePaths.characteristic)
            #expect(try await iterator.next() == [7])
            try fake.set("ServicesResolved", .boolean(false), interface: BlueZInterface.device, at: FakePaths.device)
            try fake.set("Connected", .boolean(false), interface: BlueZInterface.device, at: FakePaths.device)
            await #expect { try await iterator.next() } throws: { ($0 as? BlueZError)?.kind == .disconnected }
            await notifications.stop()
        }
    }
}
