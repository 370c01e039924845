import Testing
@testable import SetupProtocol

/// TLV fields and the critical bit (SPEC §7.1).
@Suite struct TLVTests {
    @Test func encodesTypeLengthValue() throws {
        var writer = TLVWriter(prefix: [0x20])
        try writer.append(1, critical: true, [0xAA, 0xBB])
        try writer.append(2, critical: false, byte: 7)
        #expect(writer.bytes == [0x20, 0x81, 0x00, 0x02, 0xAA, 0xBB, 0x02, 0x00, 0x01, 0x07])
    }

    @Test func unknownIgnorableFieldsAreSkippedAndUnknownCriticalOnesRejected() throws {
        let body: [UInt8] = [0x01, 0x00, 0x01, 0x05, 0x7F, 0x00, 0x02, 0xEE, 0xEE]
        let fields = try TLVFields(decoding: body[...], known: [1])
        #expect(fields.value(1) == [0x05])
        #expect(fields.fields.count == 1)
        #expect(throws: ProtocolError(.unsupportedCriticalField(0x7F))) {
            try TLVFields(decoding: ([0xFF, 0x00, 0x00] as [UInt8])[...], known: [1])
        }
    }

    @Test func rejectsTruncationDuplicatesAndMissingFields() throws {
        #expect(throws: ProtocolError(.malformedMessage)) { try TLVFields(decoding: ([0x81, 0x00] as [UInt8])[...], known: [1]) }
        #expect(throws: ProtocolError(.malformedMessage)) { try TLVFields(decoding: ([0x81, 0x00, 0x03, 1, 2] as [UInt8])[...], known: [1]) }
        #expect(throws: ProtocolError(.duplicateField(1))) {
            try TLVFields(decoding: ([0x81, 0x00, 0x00, 0x81, 0x00, 0x00] as [UInt8])[...], known: [1])
        }
        let repeated = try TLVFields(decoding: ([0x81, 0x00, 0x00, 0x81, 0x00, 0x01, 9] as [UInt8])[...], known: [1], repeatable: [1])
        #expect(repeated.values(1) == [[], [9]])
        #expect(throws: ProtocolError(.missingField(2))) { try repeated.required(2) }
    }

    @Test func oversizedValuesAreRefused() {
        var writer = TLVWriter()
        #expect(throws: ProtocolError(.messageTooLarge)) { try writer.append(1, critical: true, [UInt8](repeating: 0, count: 65536)) }
    }
}
