import DBus
import SimulatedBlueZ
import Testing
import TestSupport

@Suite("Simulated bluetoothd: the legacy advertising budget", .cleansUp, .timeLimit(.minutes(2)))
struct AdvertisementSizeTests {
    /// An advertisement whose data is exactly `length` bytes: one manufacturer data AD
    /// (2 header + 2 company id + payload).
    func advertisement(dataLength length: Int, discoverable: Bool = true) -> [String: DBusValue] {
        [
            "Type": .string("peripheral"),
            "Discoverable": .boolean(discoverable),
            "ManufacturerData": .uint16VariantDictionary([0xFFFF: .bytes(Array(repeating: 0x42, count: length - 4))]),
            "LocalName": .string("a name in the scan response does not count"),
        ]
    }

    func register(_ properties: [String: DBusValue], harness: SimulatorHarness) async throws -> DBusError? {
        // A connection per registration: each is a separate client, as separate programs are.
        let connection = try await DBusConnection.open(.address(try #require(harness.simulator.busAddress)))
        defer { connection.close() }
        let app = try TestPeripheral(connection: connection, advertisement: properties)
        do {
            try await app.registerAdvertisement(on: "/org/bluez/hci1")
            return nil
        } catch let error as DBusError {
            return error
        }
    }

    @Test func twentyEightBytesFitBesideTheFlags() async throws {
        let harness = try await SimulatorHarness.start()
        #expect(try await register(advertisement(dataLength: 28), harness: harness) == nil)
    }

    /// The kernel refuses what no longer fits beside the Flags it adds for Discoverable.
    @Test func oneByteOverTheFlagsBudgetIsRefusedAsTheKernelDoes() async throws {
        let harness = try await SimulatorHarness.start()
        let error = try await register(advertisement(dataLength: 29), harness: harness)
        #expect(error?.name == "org.bluez.Error.Failed")
        #expect(error?.message == "Failed to register advertisement")
    }

    @Test func withoutDiscoverableAllThirtyOneBytesFit() async throws {
        let harness = try await SimulatorHarness.start()
        #expect(try await register(advertisement(dataLength: 31, discoverable: false), harness: harness) == nil)
    }

    /// bluetoothd itself refuses anything past the 31-byte legacy PDU.
    @Test func past31BytesBluetoothdRefusesToParse() async throws {
        let harness = try await SimulatorHarness.start()
        let error = try await register(advertisement(dataLength: 32, discoverable: false), harness: harness)
        #expect(error?.name == "org.bluez.Error.Failed")
        #expect(error?.message == "Failed to parse advertisement.")
    }

    /// Real bluetoothd 5.66 refuses a LocalName together with `Includes: ["local-name"]`.
    @Test func localNameBesideIncludedLocalNameIsRefused() async throws {
        let harness = try await SimulatorHarness.start()
        var properties = advertisement(dataLength: 10)
        properties["Includes"] = .stringArray(["local-name"])
        let error = try await register(properties, harness: harness)
        #expect(error?.name == "org.bluez.Error.Failed")
        #expect(error?.message == "Failed to parse advertisement.")
        properties["Includes"] = .stringArray([])
        #expect(try await register(properties, harness: harness) == nil)
    }

    @Test func uuidsAreGroupedBySize() async throws {
        let harness = try await SimulatorHarness.start()
        // 128-bit UUID AD (18) + 16-bit UUID AD with two UUIDs (6) + TX power (3) = 27 <= 28.
        let fits: [String: DBusValue] = [
            "Type": .string("peripheral"),
            "Discoverable": .boolean(true),
            "ServiceUUIDs": .stringArray(["5e7a0001-5e7a-4f00-8000-00805f9b34fb", "180d", "180f"]),
            "Includes": .stringArray(["tx-power"]),
        ]
        #expect(try await register(fits, harness: harness) == nil)
        var over = fits
        over["Appearance"] = .uint16(0x0080)  // + 4 = 31 > 28
        let error = try await register(over, harness: harness)
        #expect(error?.message == "Failed to register advertisement")
    }

    @Test func unknownTypeIsRefused() async throws {
        let harness = try await SimulatorHarness.start()
        let error = try await register(["Type": .string("beacon")], harness: harness)
        #expect(error?.name == "org.bluez.Error.Failed")
    }
}
