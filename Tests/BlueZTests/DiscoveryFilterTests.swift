import BlueZ
import DBus
import Testing
import TestSupport

@Suite(.serialized, .cleansUp, .timeLimit(.minutes(1))) struct DiscoveryFilterTests {
    static func device(uuids: [String] = [], serviceData: [String: [UInt8]] = [:], rssi: Int16? = nil, name: String? = nil) -> DeviceProperties {
        var properties: [String: DBusValue] = ["Address": .string("00:AA:01:01:00:01"), "UUIDs": .stringArray(uuids)]
        if !serviceData.isEmpty { properties["ServiceData"] = .propertyDictionary(serviceData.mapValues { .bytes($0) }) }
        if let rssi { properties["RSSI"] = .int16(rssi) }
        if let name { properties["Name"] = .string(name) }
        return DeviceProperties(path: FakePaths.device, properties: properties)
    }

    @Test func matchesByUUIDServiceDataRSSIAndPattern() {
        let filter = DiscoveryFilter(uuids: ["180A"], rssi: -70)
        #expect(filter.matches(Self.device(uuids: ["0000180a-0000-1000-8000-00805f9b34fb"])))
        #expect(filter.matches(Self.device(serviceData: ["180a": [1]])))
        #expect(!filter.matches(Self.device(uuids: ["180f"])))
        #expect(!filter.matches(Self.device(uuids: ["180a"], rssi: -71)))
        #expect(filter.matches(Self.device(uuids: ["180a"], rssi: -70)))
        #expect(DiscoveryFilter().matches(Self.device()))
        let pattern = DiscoveryFilter(pattern: "print")
        #expect(pattern.matches(Self.device(name: "printer")))
        #expect(DiscoveryFilter(pattern: "00:AA").matches(Self.device()))
        #expect(!pattern.matches(Self.device(name: "scanner")))
    }

    @Test func uuidsAreNormalised() {
        #expect(GattUUID.normalized("180A") == "0000180a-0000-1000-8000-00805f9b34fb")
        #expect(GattUUID.normalized("0x2902") == "00002902-0000-1000-8000-00805f9b34fb")
        #expect(GattUUID.normalized("0000FEED") == "0000feed-0000-1000-8000-00805f9b34fb")
        #expect(GattUUID.normalized("6FA9A0E4-3710-4AD4-B6D7-2F426D4F9725") == "6fa9a0e4-3710-4ad4-b6d7-2f426d4f9725")
        #expect(GattUUID.from16(0x2901) == "00002901-0000-1000-8000-00805f9b34fb")
    }
}
