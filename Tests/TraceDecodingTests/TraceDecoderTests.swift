import Foundation
import SetupProtocol
import Testing
import TraceDecoding

/// The decoder on a capture built from the SPEC's happy-path vector, and on broken captures.
@Suite struct TraceDecoderTests {
    @Test func theCommittedFixtureIsTheSyntheticCapture() throws {
        let capture = try SyntheticCapture.capture()
        let keyLog = try SyntheticCapture.keyLogLine() + "\n"
        let captureFile = SyntheticCapture.fixtures.appendingPathComponent("synthetic-happy-path.btsnoop")
        let keyLogFile = SyntheticCapture.fixtures.appendingPathComponent("synthetic-happy-path.keylog")
        // The same without the characteristic discovery (a cached database): for handles given by hand.
        let cached = try SyntheticCapture.capture(discovery: false)
        let cachedFile = SyntheticCapture.fixtures.appendingPathComponent("synthetic-cached-database.btsnoop")
        if ProcessInfo.processInfo.environment["REGENERATE_FIXTURES"] == "1" {
            try Data(capture).write(to: captureFile)
            try Data(keyLog.utf8).write(to: keyLogFile)
            try Data(cached).write(to: cachedFile)
        }
        #expect(try Data(contentsOf: cachedFile) == Data(cached))
        #expect(try Data(contentsOf: captureFile) == Data(capture))
        #expect(try String(contentsOf: keyLogFile, encoding: .utf8) == keyLog)
    }

    @Test func withTheKeyLogEveryMessageIsDecodedAndThePassphraseHidden() throws {
        let items = try TraceDecoder.decode(capture: SyntheticCapture.capture(), keyLog: KeyLogFile(text: SyntheticCapture.keyLogLine()))
        #expect(items.map(\.name) == ["Advertisement", "Info", "ClientHello", "ServerHello", "ClientFinish", "SetCredentials"]
            + Array(repeating: "JoinStatus", count: 5))
        #expect(items[0].field("short id") == "3F0A")
        #expect(items[0].field("auth method") == "PIN on display")
        #expect(items[1].field("model") == "Emulated")
        #expect(items[2].field("fragments") == "5")
        #expect(items[2].field("octets") == "78")
        #expect(items[2].field("key log") == "keys found")
        #expect(items[3].direction == .toCentral)
        let credentials = items[5]
        #expect(credentials.sealedCounter == 0)
        #expect(credentials.field("SSID") != nil)
        let passphrase = try #require(credentials.field("passphrase"))
        #expect(passphrase.hasPrefix("<") && passphrase.hasSuffix(" octets>"))
        #expect(items[6].field("stage") == "received")
        #expect(items[6].sealedCounter == 0)
        #expect(items[10].field("stage") == "connected")
        #expect(items[10].sealedCounter == 4)
    }

    @Test func showSecretsShowsThePassphrase() throws {
        let items = try TraceDecoder.decode(
            capture: SyntheticCapture.capture(), keyLog: KeyLogFile(text: SyntheticCapture.keyLogLine()), showSecrets: true)
        let passphrase = try #require(items.first { $0.name == "SetCredentials" }?.field("passphrase"))
        #expect(!passphrase.hasPrefix("<"))
        #expect(passphrase.count >= 8)
    }

    @Test func withoutAKeyLogSealedRecordsShowTheirCounter() throws {
        let items = try TraceDecoder.decode(capture: SyntheticCapture.capture())
        let sealed = items.filter { $0.name == "Sealed" }
        #expect(sealed.map(\.sealedCounter) == [0, 0, 1, 2, 3, 4])
        #expect(sealed.map(\.direction) == [.toPrinter] + Array(repeating: .toCentral, count: 5))
        #expect(items[2].field("key log") == "no line for this session id")
    }

    @Test func handlesFromTheCommandLineStandInForDiscovery() throws {
        #expect(try TraceDecoder.decode(capture: SyntheticCapture.capture(discovery: false)).map(\.name) == ["Advertisement"])
        var handles = HandleMap()
        try handles.add("request=0x0013")
        try handles.add("events=22")
        try handles.add("info=0x10")
        let items = try TraceDecoder.decode(capture: SyntheticCapture.capture(discovery: false), handles: handles)
        #expect(items.map(\.name).prefix(5) == ["Advertisement", "Info", "ClientHello", "ServerHello", "ClientFinish"])
        var bad = HandleMap()
        #expect(throws: TraceError.badHandle("write=1")) { try bad.add("write=1") }
        #expect(throws: TraceError.badHandle("request=zz")) { try bad.add("request=zz") }
    }

    @Test func brokenCapturesAreRefusedWithTheirReason() throws {
        let capture = try SyntheticCapture.capture()
        #expect(throws: TraceError.notBTSnoop) { try TraceDecoder.decode(capture: Array("hello".utf8)) }
        var otherLink = capture
        otherLink[15] = 0xEA  // datalink 1002 → 0x07EA (H4)
        otherLink[14] = 0x03
        #expect(throws: TraceError.unsupportedDatalink(0x03EA)) { try TraceDecoder.decode(capture: otherLink) }
        #expect(throws: TraceError.truncated(record: 1)) { try TraceDecoder.decode(capture: Array(capture.prefix(30))) }
        var huge = capture
        huge[16 + 4] = 0x7F  // record 1's included length
        #expect(throws: TraceError.recordTooLarge(record: 1, length: 0x7F00_0000 | UInt32(huge[16 + 7]))) {
            try TraceDecoder.decode(capture: huge)
        }
        #expect(TraceError.truncated(record: 3).description == "the capture is truncated in record 3")
    }

    @Test func aBadKeyLogLineIsNamedByNumber() {
        #expect(throws: TraceError.badKeyLogLine(2)) { try KeyLogFile(text: "# comment\nSMARTSETUP_SESSION_KEYS 00\n") }
        #expect(throws: Never.self) { try KeyLogFile(text: "\n# only a comment\n") }
    }
}

/// The decoder on the VM tier's capture of real bluetoothd (EATT, both controllers' views).
@Suite struct RealCaptureTests {
    func capture() throws -> [UInt8] {
        Array(try Data(contentsOf: SyntheticCapture.fixtures.appendingPathComponent("realbluez-pair-and-wrong-pin.btsnoop")))
    }

    func keyLog() throws -> KeyLogFile {
        try KeyLogFile(text: String(contentsOf: SyntheticCapture.fixtures.appendingPathComponent("realbluez-pair-and-wrong-pin.keylog"), encoding: .utf8))
    }

    @Test func thePairingAndTheWrongPINAreDecodedFromTheCentralsView() throws {
        let central = try TraceDecoder.decode(capture: capture(), keyLog: keyLog()).filter { $0.controller == 0 && $0.connection != nil }
        let pairing = ["ClientHello", "ServerHello", "ClientFinish", "SetCredentials"] + Array(repeating: "JoinStatus", count: 5)
        // The pairing; the wrong PIN; the right PIN on a new connection (bluetoothd's cached
        // database: no discovery, the handles learnt before still hold).
        #expect(central.map(\.name) == pairing + ["ClientHello", "ServerHello", "Error", "Error"] + pairing)
        #expect(central[16].field("passphrase")?.hasSuffix(" octets>") == true)
        #expect(central[3].field("SSID") == "\"HomeNet\"")
        #expect(central[3].field("passphrase")?.hasSuffix(" octets>") == true)
        #expect(central[8].field("address") == "192.168.1.57/24")
        #expect(central[11].direction == .toPrinter)
        #expect(central[11].field("code") == "authenticationFailed")
        #expect(central[12].field("attempts left") == "2")
    }

    @Test func bothControllersSeeTheSameSessionAndThePrinterAdvertisesBusy() throws {
        let items = try TraceDecoder.decode(capture: capture(), keyLog: keyLog())
        let printer = items.filter { $0.controller == 1 && $0.connection != nil }
        #expect(printer.map(\.name) == items.filter { $0.controller == 0 && $0.connection != nil }.map(\.name))
        let advertised = items.filter { $0.name == "AdvertisingData" }
        #expect(advertised.contains { $0.field("busy") == "true" })
        #expect(advertised.contains { $0.field("provisioned") == "true" })
        #expect(items.contains { $0.name == "Advertisement" && $0.field("short id") == "3F0A" })
    }
}
