import Testing
@testable import SetupProtocol

/// Advertising payload, budget and GATT UUIDs (SPEC §4, §5).
@Suite struct AdvertisingTests {
    let sample = SetupAdvertisement(version: 1, authMethod: .printedPIN, isProvisioned: true, isBusy: true, shortID: ShortID(0x3F0A), deviceClass: .multifunctionPrinter)

    @Test func manufacturerDataLayout() throws {
        #expect(sample.manufacturerData == [0x01, 0x0D, 0x3F, 0x0A, 0x02])
        #expect(try SetupAdvertisement(manufacturerData: sample.manufacturerData) == sample)
        #expect(sample.shortID.description == "3F0A")
        #expect(ShortID(hexDigits: "3f0a") == ShortID(0x3F0A))
        #expect(ShortID(hexDigits: "3F0") == nil)
        #expect(ShortID(0x000B).description == "000B")
    }

    @Test func advertisementFitsALegacyPDU() {
        let data = sample.advertisingData()
        #expect(data.count == 30)
        #expect(data.count <= SetupAdvertisement.legacyAdvertisingDataLimit)
        #expect(Array(data.prefix(5)) == [0x02, 0x01, 0x06, 0x11, 0x07])
        #expect(Array(data[5..<21]) == SetupGATT.serviceUUID.littleEndianOctets)
        #expect(Array(data[21...]) == [0x08, 0xFF, 0xFF, 0xFF, 0x01, 0x0D, 0x3F, 0x0A, 0x02])
    }

    @Test func decoderRejectsAndTolerates() throws {
        #expect(throws: ProtocolError(.malformedMessage)) { try SetupAdvertisement(manufacturerData: [1, 0, 0, 0]) }
        #expect(throws: ProtocolError(.invalidField(.version))) { try SetupAdvertisement(manufacturerData: [0, 0, 0, 0, 0]) }
        #expect(throws: ProtocolError(.invalidField(.authMethod))) { try SetupAdvertisement(manufacturerData: [1, 3, 0, 0, 0]) }
        let future = try SetupAdvertisement(manufacturerData: [2, 0xF0, 0x12, 0x34, 0x99, 0xAA])
        #expect(future.version == 2 && future.authMethod == .displayedPIN && future.deviceClass == .unspecified)
    }

    @Test func uuids() {
        #expect(SetupGATT.serviceUUID.description == "6fa9a0e4-3710-4ad4-b6d7-2f426d4f9725")
        #expect(SetupGATT.infoCharacteristicUUID.description == "6fa9a0e5-3710-4ad4-b6d7-2f426d4f9725")
        #expect(SetupGATT.requestCharacteristicUUID.description == "6fa9a0e6-3710-4ad4-b6d7-2f426d4f9725")
        #expect(SetupGATT.eventsCharacteristicUUID.description == "6fa9a0e7-3710-4ad4-b6d7-2f426d4f9725")
        #expect(BluetoothUUID("6fa9a0e4-3710-4ad4-b6d7-2f426d4f9725") == SetupGATT.serviceUUID)
        #expect(BluetoothUUID("not-a-uuid") == nil)
        #expect(BluetoothUUID("ffffffff-0000-0000-0000-000000000000")?.offsetting(timeLowBy: 1).description == "00000000-0000-0000-0000-000000000000")
    }

    @Test func publicInfoRoundTrip() throws {
        let info = try PublicInfo(supportedVersions: [1], shortID: ShortID(0x3F0A), authMethod: .displayedPIN, deviceClass: .printer, model: "LaserJet Test 400")
        #expect(try PublicInfo(decoding: try info.encoded()) == info)
        #expect(throws: ProtocolError(.malformedMessage)) { try PublicInfo(decoding: [0x31]) }
        #expect(throws: ProtocolError(.missingField(2))) { try PublicInfo(decoding: [0x30]) }
    }
}
