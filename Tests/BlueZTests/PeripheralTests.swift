import BlueZ
import DBus
import Synchronization
import Testing
import TestSupport

@Suite(.serialized, .cleansUp, .timeLimit(.minutes(1))) struct PeripheralTests {
    /// Calls a method of the client's exported object, as bluetoothd would.
    static func callApp(_ fake: FakeBlueZ, _ sender: String, _ path: DBusObjectPath, _ interface: String, _ member: String,
                        _ body: [DBusValue] = []) async throws -> DBusMessage {
        try await fake.connection.call(
            .methodCall(destination: sender, path: path, interface: interface, member: member, body: body), timeout: .seconds(30))
    }

    static let options: DBusValue = .propertyDictionary([
        "device": .objectPath(FakePaths.device), "mtu": .uint16(185), "link": .string("LE"), "offset": .uint16(1),
    ])

    @Test func applicationIsExportedAndServesReadsWritesAndNotifications() async throws {
        try await withFakeBlueZ(device: false) { fake, session in
            let written = Mutex<[([UInt8], GattRequestOptions)]>([])
            let readOptions = Mutex<GattRequestOptions?>(nil)
            let info = LocalCharacteristic(
                uuid: "6fa9a0e5-3710-4ad4-b6d7-2f426d4f9725", flags: ["read"],
                descriptors: [LocalDescriptor(uuid: "2901", value: Array("info".utf8))],
                onRead: { options throws(BlueZError) in
                    readOptions.withLock { $0 = options }
                    return [1, 2, 3]
                })
            let request = LocalCharacteristic(
                uuid: "6fa9a0e6-3710-4ad4-b6d7-2f426d4f9725", flags: ["write", "write-without-response"],
                onWrite: { value, options throws(BlueZError) in
                    guard value != [0xFF] else { throw BlueZError(.notPermitted, message: "Write not permitted") }
                    guard value != [0xEE] else { throw BlueZError.att(0x80) }
                    written.withLock { $0.append((value, options)) }
                })
            let events = LocalCharacteristic(uuid: "6fa9a0e7-3710-4ad4-b6d7-2f426d4f9725", flags: ["notify"])
            let app = try await GattApplication.register(
                [LocalService(uuid: FakeBlueZ.serviceUUID, characteristics: [info, request, events])], on: try session.adapter())
            let registered = try #require(fake.application.withLock { $0 })
            #expect(registered.root == app.root)
            let serviceObjects = registered.objects.filter { $0.value[BlueZInterface.gattService] != nil }
            #expect(serviceObjects.count == 1)
            #expect(serviceObjects.first?.value[BlueZInterface.gattService]?["UUID"] == .string(FakeBlueZ.serviceUUID))
            let characteristicObjects = registered.objects.compactMap { $0.value[BlueZInterface.gattCharacteristic] }
            #expect(characteristicObjects.count == 3)
            #expect(registered.objects.contains { $0.value[BlueZInterface.gattDescriptor]?["Value"] == .bytes(Array("info".utf8)) })

            let sender = registered.sender
            let infoPath = try #require(info.path)
            let read = try await Self.callApp(fake, sender, infoPath, BlueZInterface.gattCharacteristic, "ReadValue", [Self.options])
            #expect(read.body == [.bytes([1, 2, 3])])
            let seen = try #require(readOptions.withLock { $0 })
            #expect(seen.device == FakePaths.device)
            #expect(seen.mtu == 185)
            #expect(seen.offset == 1)
            #expect(seen.link == "LE")

            let requestPath = try #require(request.path)
            _ = try await Self.callApp(fake, sender, requestPath, BlueZInterface.gattCharacteristic, "WriteValue",
                                       [.bytes([9, 8]), .propertyDictionary(["type": .string("command")])])
            #expect(written.withLock { $0.first?.0 } == [9, 8])
            #expect(written.withLock { $0.first?.1.type } == .command)
            await #expect {
                try await Self.callApp(fake, sender, requestPath, BlueZInterface.gattCharacteristic, "WriteValue", [.bytes([0xFF]), .propertyDictionary([:])])
            } throws: { ($0 as? DBusError)?.name == "org.bluez.Error.NotPermitted" }
            await #expect {
                try await Self.callApp(fake, sender, requestPath, BlueZInterface.gattCharacteristic, "WriteValue", [.bytes([0xEE]), .propertyDictionary([:])])
            } throws: { error in
                guard let error = error as? DBusError else { return false }
                return error.name == "org.bluez.Error.Failed" && error.message == "0x80"
            }

            let eventsPath = try #require(events.path)
            #expect(try !events.notify([0]))  // nobody subscribed yet
            let signals = try await fake.connection.signals(
                matching: DBusMatchRule(sender: sender, path: eventsPath, interface: "org.freedesktop.DBus.Properties", member: "PropertiesChanged"))
            var iterator = signals.makeAsyncIterator()
            _ = try await Self.callApp(fake, sender, eventsPath, BlueZInterface.gattCharacteristic, "StartNotify")
            #expect(events.isNotifying)
            let notifying = try #require(try await iterator.next())
            #expect(try notifying.body[1].propertyDictionary()["Notifying"] == .boolean(true))
            #expect(try events.notify([4, 2]))
            let value = try #require(try await iterator.next())
            #expect(try value.body[1].propertyDictionary()["Value"] == .bytes([4, 2]))
            _ = try await Self.callApp(fake, sender, eventsPath, BlueZInterface.gattCharacteristic, "StopNotify")
            #expect(!events.isNotifying)
            #expect(try !events.notify([5]))

            await app.unregister()
            #expect(fake.count("UnregisterApplication") == 1)
            #expect(info.path == nil)
            await #expect {
                try await Self.callApp(fake, sender, infoPath, BlueZInterface.gattCharacteristic, "ReadValue", [Self.options])
            } throws: { ($0 as? DBusError)?.kind == .unknownObject }
        }
    }

    @Test func defaultHandlersStoreAndReturnTheValue() async throws {
        try await withFakeBlueZ(device: false) { fake, session in
            let characteristic = LocalCharacteristic(uuid: "2a00", flags: ["read", "write"], value: [1, 2, 3])
            let app = try await GattApplication.register([LocalService(uuid: "180a", characteristics: [characteristic])], on: try session.adapter())
            let sender = try #require(fake.application.withLock { $0?.sender })
            let path = try #require(characteristic.path)
            let read = try await Self.callApp(fake, sender, path, BlueZInterface.gattCharacteristic, "ReadValue", [Self.options])
            #expect(read.body == [.bytes([2, 3])])
            _ = try await Self.callApp(fake, sender, path, BlueZInterface.gattCharacteristic, "WriteValue", [.bytes([7]), .propertyDictionary([:])])
            #expect(characteristic.value == [7])
            await app.unregister()
        }
    }

    @Test func advertisementIsReadAndUnregistered() async throws {
        try await withFakeBlueZ(device: false) { fake, session in
            let adapter = try session.adapter()
            let registration = try await adapter.advertise(Advertisement(
                serviceUUIDs: [FakeBlueZ.serviceUUID], manufacturerData: [0xFFFF: [1, 2]], serviceData: ["180a": [3]],
                localName: "printer", appearance: 0x0080, includes: ["tx-power"], discoverable: true))
            let seen = try #require(fake.advertisement.withLock { $0 })
            #expect(seen.path == registration.path)
            #expect(seen.properties["Type"] == .string("peripheral"))
            #expect(seen.properties["ServiceUUIDs"] == .stringArray([FakeBlueZ.serviceUUID]))
            #expect(seen.properties["LocalName"] == .string("printer"))
            #expect(seen.properties["Appearance"] == .uint16(0x0080))
            #expect(seen.properties["Discoverable"] == .boolean(true))
            #expect(seen.properties["Includes"] == .stringArray(["tx-power"]))
            #expect(try seen.properties["ManufacturerData"]?.uint16VariantDictionary()[0xFFFF] == .bytes([1, 2]))
            #expect(try seen.properties["ServiceData"]?.propertyDictionary()["0000180a-0000-1000-8000-00805f9b34fb"] == .bytes([3]))
            #expect(!registration.isReleased)
            _ = try await Self.callApp(fake, seen.sender, registration.path, BlueZInterface.advertisement, "Release")
            #expect(registration.isReleased)
            await registration.unregister()
            await registration.unregister()
            #expect(fake.count("UnregisterAdvertisement") == 1)
        }
    }

    @Test func registerAgainRegistersTheSameObjectsOnlyWhileRegistered() async throws {
        try await withFakeBlueZ(device: false) { fake, session in
            let characteristic = LocalCharacteristic(uuid: "2a00", flags: ["read"], value: [1])
            let app = try await GattApplication.register([LocalService(uuid: "180a", characteristics: [characteristic])], on: try session.adapter())
            fake.application.withLock { $0 = nil }  // as a restarted bluetoothd: it knows nothing
            try await app.registerAgain()
            let again = try #require(fake.application.withLock { $0 })
            #expect(again.root == app.root)
            #expect(again.objects.contains { $0.value[BlueZInterface.gattCharacteristic]?["UUID"] == .string("00002a00-0000-1000-8000-00805f9b34fb") })
            #expect(fake.count("RegisterApplication") == 2)
            await app.unregister()
            try await app.registerAgain()
            #expect(fake.count("RegisterApplication") == 2)
        }
    }

    @Test func aDroppedApplicationAndAdvertisementAreReleasedOnTheSessionsTask() async throws {
        try await withFakeBlueZ(device: false) { fake, session in
            let adapter = try session.adapter()
            do {
                let characteristic = LocalCharacteristic(uuid: "2a00", flags: ["read"], value: [1])
                _ = try await GattApplication.register([LocalService(uuid: "180a", characteristics: [characteristic])], on: adapter)
                _ = try await adapter.advertise(Advertisement(serviceUUIDs: [FakeBlueZ.serviceUUID]))
            }
            try await eventually("both released") {
                fake.count("UnregisterApplication") == 1 && fake.count("UnregisterAdvertisement") == 1
            }
        }
    }

    @Test func aRejectedRegistrationUnexportsAgain() async throws {
        try await withFakeBlueZ(device: false) { _, session in
            await #expect {
                try await GattApplication.register([], on: try session.adapter())
            } throws: { error in
                guard let error = error as? BlueZError else { return false }
                return error.kind == .failed && error.message == "No object received"
            }
        }
    }
}
