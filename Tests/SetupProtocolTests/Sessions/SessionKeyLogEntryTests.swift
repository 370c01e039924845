import SetupProtocol
import Testing

/// SPEC §18: a key log line round-trips and opens both directions of its session.
@Suite struct SessionKeyLogEntryTests {
    let keys = KeySchedule(intermediateSessionKey: SecretBytes(Array(0..<64)), transcriptHash: Array(repeating: 0x5a, count: 64))
    let sessionID: [UInt8] = Array(repeating: 0x11, count: 16)

    @Test func theLineRoundTripsAndOpensBothDirections() throws {
        let entry = SessionKeyLogEntry(sessionID: sessionID, keys: keys)
        let line = entry.line
        #expect(line.hasPrefix("SMARTSETUP_SESSION_KEYS 11111111111111111111111111111111 "))
        #expect(line.split(separator: " ").map(\.count) == [23, 32, 64, 24, 64, 24])
        let parsed = try SessionKeyLogEntry(line: Substring(line))
        #expect(parsed == entry)

        var client = keys.clientChannel()
        var printer = keys.printerChannel()
        let toPrinter = try client.seal([0x26, 0x81, 0x00, 0x01, 0x01], recordType: 0x03)
        let toClient = try printer.seal([0x28, 0x81, 0x00, 0x01, 0x26], recordType: 0x10)
        var opensRequests = parsed.clientToPrinterOpener()
        var opensEvents = parsed.printerToClientOpener()
        #expect(try opensRequests.open(toPrinter, recordType: 0x03) == [0x26, 0x81, 0x00, 0x01, 0x01])
        #expect(try opensEvents.open(toClient, recordType: 0x10) == [0x28, 0x81, 0x00, 0x01, 0x26])
    }

    @Test func theDescriptionShowsNoKey() {
        let entry = SessionKeyLogEntry(sessionID: sessionID, keys: keys)
        let keyHex = entry.line.split(separator: " ")[2]
        #expect(!entry.description.contains(keyHex))
        #expect(!String(reflecting: entry).contains(keyHex))
    }

    @Test(arguments: [
        "", "SMARTSETUP_SESSION_KEYS", "OTHER 00 00 00 00 00",
        "SMARTSETUP_SESSION_KEYS 1111 " + String(repeating: "00", count: 32) + " " + String(repeating: "00", count: 12) + " "
            + String(repeating: "00", count: 32) + " " + String(repeating: "00", count: 12),
        "SMARTSETUP_SESSION_KEYS " + String(repeating: "zz", count: 16) + " " + String(repeating: "00", count: 32) + " "
            + String(repeating: "00", count: 12) + " " + String(repeating: "00", count: 32) + " " + String(repeating: "00", count: 12),
    ])
    func malformedLinesAreRefused(line: String) {
        #expect(throws: ProtocolError.self) { try SessionKeyLogEntry(line: Substring(line)) }
    }
}
