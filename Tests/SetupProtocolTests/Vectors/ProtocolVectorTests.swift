import Foundation
import Testing
@testable import SetupProtocol

/// The files in Protocol/vectors/ match the code byte for byte, and decode independently.
/// Regenerate with `REGENERATE_VECTORS=1 swift test --filter ProtocolVectorTests`.
@Suite(.serialized) struct ProtocolVectorTests {
    static let regenerate = ProcessInfo.processInfo.environment["REGENERATE_VECTORS"] == "1"

    @Test(arguments: ProtocolVectors.files)
    func vectorFileMatchesTheCode(name: String) throws {
        let generated = try ProtocolVectors.serialized(try ProtocolVectors.document(name))
        if Self.regenerate {
            try generated.write(to: ProtocolVectors.url(name), atomically: true, encoding: .utf8)
        }
        let onDisk = try String(contentsOf: ProtocolVectors.url(name), encoding: .utf8)
        #expect(onDisk == generated, "Protocol/vectors/\(name) differs from the code; see Protocol/vectors/README.md")
    }

    struct KeyScheduleFile: Decodable {
        struct Inputs: Decodable { var isk: String; var client_hello: String; var server_hello_prefix: String }
        struct Output: Decodable { var length: Int; var output: String }
        struct Nonce: Decodable { var counter: UInt64; var nonce: String }
        struct Sealed: Decodable { var direction: String; var counter: Int; var plaintext: String; var sealed: String }
        var inputs: Inputs
        var transcript_hash: String
        var labels: [String: Output]
        var printer_confirmation: String
        var client_confirmation: String
        var client_nonces: [Nonce]
        var sealed_examples: [Sealed]
    }

    @Test func keyScheduleFromTheFile() throws {
        let file = try VectorFiles.protocolVector("key-schedule.json", as: KeyScheduleFile.self)
        let th = Transcript.hash(clientHello: try Hex.decode(file.inputs.client_hello), serverHelloPrefix: try Hex.decode(file.inputs.server_hello_prefix))
        #expect(Hex.encode(th) == file.transcript_hash)
        let keys = KeySchedule(intermediateSessionKey: SecretBytes(try Hex.decode(file.inputs.isk)), transcriptHash: th)
        #expect(file.labels[KeySchedule.Label.clientKey]?.output == Hex.encode(keys.clientKey.bytes))
        #expect(file.labels[KeySchedule.Label.printerKey]?.output == Hex.encode(keys.printerKey.bytes))
        #expect(file.labels[KeySchedule.Label.clientIV]?.output == Hex.encode(keys.clientIV.bytes))
        #expect(file.labels[KeySchedule.Label.printerIV]?.output == Hex.encode(keys.printerIV.bytes))
        #expect(file.labels[KeySchedule.Label.clientConfirmation]?.output == Hex.encode(keys.clientConfirmationKey.bytes))
        #expect(file.labels[KeySchedule.Label.printerConfirmation]?.output == Hex.encode(keys.printerConfirmationKey.bytes))
        #expect(file.labels.count == 6)
        #expect(keys.verifyPrinterConfirmation(try Hex.decode(file.printer_confirmation)))
        #expect(keys.verifyClientConfirmation(try Hex.decode(file.client_confirmation)))
        #expect(!keys.verifyClientConfirmation(try Hex.decode(file.printer_confirmation)))
        for nonce in file.client_nonces {
            #expect(Hex.encode(SecureChannel.nonce(iv: keys.clientIV.bytes, counter: nonce.counter)) == nonce.nonce)
        }
        // Each side opens the other's sealed examples in order, and not out of order.
        var printer = keys.printerChannel(), client = keys.clientChannel()
        #expect(Set(file.sealed_examples.map(\.direction)) == ["client-to-printer", "printer-to-client"])
        for example in file.sealed_examples {
            let sealed = try Hex.decode(example.sealed), plaintext = try Hex.decode(example.plaintext)
            if example.direction == "client-to-printer" {
                #expect(try printer.open(sealed, recordType: Record.TypeCode.sealed) == plaintext)
            } else {
                #expect(try client.open(sealed, recordType: Record.TypeCode.sealed) == plaintext)
            }
        }
        var fresh = keys.printerChannel()
        #expect(throws: ProtocolError(.decryptionFailed)) { try fresh.open(try Hex.decode(file.sealed_examples[1].sealed), recordType: Record.TypeCode.sealed) }
        var wrongAAD = keys.printerChannel()
        #expect(throws: ProtocolError(.decryptionFailed)) { try wrongAAD.open(try Hex.decode(file.sealed_examples[0].sealed), recordType: Record.TypeCode.clientFinish) }
    }

    /// The stateless open a capture's decoder uses: each sealed example opens at its own counter
    /// with its direction's key and IV, and at no other counter.
    @Test func sealedExamplesOpenAtTheirCounterWithoutAChannel() throws {
        let file = try VectorFiles.protocolVector("key-schedule.json", as: KeyScheduleFile.self)
        let th = Transcript.hash(clientHello: try Hex.decode(file.inputs.client_hello), serverHelloPrefix: try Hex.decode(file.inputs.server_hello_prefix))
        let keys = KeySchedule(intermediateSessionKey: SecretBytes(try Hex.decode(file.inputs.isk)), transcriptHash: th)
        for example in file.sealed_examples {
            let sealed = try Hex.decode(example.sealed), counter = UInt64(example.counter)
            let (key, iv) = example.direction == "client-to-printer" ? (keys.clientKey, keys.clientIV) : (keys.printerKey, keys.printerIV)
            let opened = try SecureChannel.open(sealed, key: key, iv: iv, counter: counter, recordType: Record.TypeCode.sealed)
            #expect(opened == (try Hex.decode(example.plaintext)))
            #expect(throws: ProtocolError(.decryptionFailed)) {
                try SecureChannel.open(sealed, key: key, iv: iv, counter: counter + 1, recordType: Record.TypeCode.sealed)
            }
        }
    }

    struct HandshakeFile: Decodable {
        struct Handshake: Decodable {
            var ci: String, sid: String, share_a: String, share_b: String, client_hello: String, server_hello_prefix: String
            var printer_confirmation: String
        }
        var handshake: Handshake
    }

    @Test func happyPathHandshakeValuesMatchTheRecordedFrames() throws {
        let handshake = try VectorFiles.protocolVector("key-schedule.json", as: HandshakeFile.self).handshake
        let session = try VectorFiles.protocolVector("session.json", as: SessionFile.self).scenarios[0]
        // Reassemble the first message in each direction from the recorded frames.
        var toPrinter = Reassembler(), toCentral = Reassembler()
        var clientHello: [UInt8]?, serverHello: [UInt8]?
        for frame in session.frames {
            let bytes = try Hex.decode(frame.hex)
            if frame.dir == "c2p", clientHello == nil { clientHello = try toPrinter.receive(bytes, mtu: 23, now: MonotonicInstant(milliseconds: 0)) }
            if frame.dir == "p2c", serverHello == nil { serverHello = try toCentral.receive(bytes, mtu: 23, now: MonotonicInstant(milliseconds: 0)) }
        }
        #expect(clientHello.map(Hex.encode) == handshake.client_hello)
        guard case .serverHello(let hello)? = try serverHello.map(Record.decode) else { Issue.record("no ServerHello"); return }
        #expect(Hex.encode(hello.transcriptPrefix) == handshake.server_hello_prefix)
        #expect(Hex.encode(hello.share) == handshake.share_b)
        #expect(Hex.encode(hello.confirmation) == handshake.printer_confirmation)
        #expect(Hex.encode(HandshakeBinding.channelIdentifier(authMethod: .displayedPIN, shortID: ShortID(0x3F0A), clientID: Array(0x10...0x1F))) == handshake.ci)
    }

    struct SessionFile: Decodable {
        struct Frame: Decodable { var dir: String; var op: String; var hex: String }
        struct Scenario: Decodable {
            var name: String
            var central_random: String
            var printer_random: String
            var frames: [Frame]
            var round_trips: Int
        }
        var scenarios: [Scenario]
    }

    /// Replays every recorded scenario from the file alone: its steps, its randomness; frames,
    /// round trips and events (SPEC §13.3 vocabulary) must equal the recording.
    @Test func recordedSessionsReplayFromTheirSteps() throws {
        let file = try VectorFiles.protocolVector("session.json", as: SessionFile.self)
        let raw = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: ProtocolVectors.url("session.json"))) as? [String: Any])
        let objects = try #require(raw["scenarios"] as? [[String: Any]])
        #expect(file.scenarios.map(\.name) == (try ProtocolVectors.scenarios()).map(\.name))
        for (recorded, object) in zip(file.scenarios, objects) {
            let steps = try #require(object["steps"] as? [[String: Any]]).map(ProtocolVectors.step)
            let offered = try #require(object["offered_versions"] as? [Int]).map(UInt8.init)
            let authMethodValue = try #require(object["auth_method"] as? Int)
            let link = try ProtocolVectors.run(
                steps, offeredVersions: offered,
                supportedVersions: try #require(object["supported_versions"] as? [Int]).map(UInt8.init), mtu: try #require(object["mtu"] as? Int),
                authMethod: try #require(AuthMethod(rawValue: UInt8(authMethodValue))), centralRandom: SeededRandom(replaying: try Hex.decode(recorded.central_random)),
                printerRandom: SeededRandom(replaying: try Hex.decode(recorded.printer_random)))
            #expect(link.frames.count == recorded.frames.count, "\(recorded.name)")
            for (frame, expected) in zip(link.frames, recorded.frames) {
                #expect(Hex.encode(frame.bytes) == expected.hex && frame.direction.rawValue == expected.dir && frame.operation == expected.op)
            }
            let centralEvents = try #require(object["central_events"] as? [Any]).map(EventVocabulary.canonical)
            let printerEvents = try #require(object["printer_events"] as? [Any]).map(EventVocabulary.canonical)
            #expect(try link.centralEvents.map { try EventVocabulary.canonical(EventVocabulary.object($0)) } == centralEvents, "\(recorded.name)")
            #expect(try link.printerEvents.map { try EventVocabulary.canonical(EventVocabulary.object($0)) } == printerEvents, "\(recorded.name)")
            #expect(link.roundTrips == recorded.round_trips)
        }
    }

    /// The vocabulary names what each event carries, never a secret.
    @Test func eventVocabularyObjects() throws {
        #expect(try EventVocabulary.canonical(EventVocabulary.object(CentralEvent.authenticationFailed(attemptsLeft: nil))) == #"{"event":"authenticationFailed"}"#)
        #expect(try EventVocabulary.canonical(EventVocabulary.object(CentralEvent.joinStatus(.failed(.wrongPassphrase)))) == #"{"event":"joinStatus","reason":1,"stage":6}"#)
        #expect(try EventVocabulary.canonical(EventVocabulary.object(CentralEvent.attemptRefused(ErrorReport(code: .lockedOut, attemptsLeft: 0, retryAfterSeconds: 30)))) == #"{"attemptsLeft":0,"code":5,"event":"attemptRefused","retryAfter":30}"#)
        #expect(try EventVocabulary.canonical(EventVocabulary.object(PrinterEvent.failed(ProtocolError(.invalidField(.ssid))))) == #"{"error":"invalidField","event":"failed"}"#)
    }

    @Test func happyPathFramesDecodeAsTheSpecSays() throws {
        let file = try VectorFiles.protocolVector("session.json", as: SessionFile.self)
        let happy = try #require(file.scenarios.first)
        // Reassemble each direction independently and check the record sequence.
        var toPrinter = Reassembler(), toCentral = Reassembler()
        var records: [(String, UInt8)] = []
        for frame in happy.frames {
            let bytes = try Hex.decode(frame.hex)
            #expect(bytes.count <= 20)
            if frame.dir == "c2p" {
                if let message = try toPrinter.receive(bytes, mtu: 23, now: MonotonicInstant(milliseconds: 0)) { records.append(("c2p", message[0])) }
            } else if let message = try toCentral.receive(bytes, mtu: 23, now: MonotonicInstant(milliseconds: 0)) {
                records.append(("p2c", message[0]))
            }
        }
        #expect(records.map(\.0) == ["c2p", "p2c", "c2p", "p2c", "p2c", "p2c", "p2c", "p2c"])
        #expect(records.map(\.1) == [0x01, 0x02, 0x03, 0x10, 0x10, 0x10, 0x10, 0x10])
        #expect(happy.round_trips == 2)
    }

    struct FragmentationFile: Decodable {
        struct Case: Decodable { var mtu: Int; var fragments: [String] }
        var message: String
        var cases: [Case]
    }

    @Test func fragmentationFromTheFile() throws {
        let file = try VectorFiles.protocolVector("fragmentation.json", as: FragmentationFile.self)
        let message = try Hex.decode(file.message)
        #expect(file.cases.map(\.mtu) == [23, 185])
        for vector in file.cases {
            #expect(try Fragmenter.fragments(of: message, mtu: vector.mtu).map(Hex.encode) == vector.fragments)
            var reassembler = Reassembler()
            var result: [UInt8]?
            for fragment in vector.fragments { result = try reassembler.receive(try Hex.decode(fragment), mtu: vector.mtu, now: MonotonicInstant(milliseconds: 0)) }
            #expect(result == message)
        }
    }

    struct FramingErrorsFile: Decodable {
        struct Case: Decodable { var name: String; var fragments: [String]; var error: String }
        var mtu: Int
        var cases: [Case]
    }

    @Test func framingErrorsFromTheFile() throws {
        let file = try VectorFiles.protocolVector("framing-errors.json", as: FramingErrorsFile.self)
        #expect(file.cases.count == ProtocolVectors.framingErrorCases.count)
        let kinds: Set<String> = ["malformedFragment", "fragmentTooLarge", "messageTooLarge", "missingFirstFragment",
                                  "unexpectedFirstFragment", "fragmentOutOfOrder", "fragmentOverflow", "truncatedMessage"]
        #expect(Set(file.cases.map(\.error)) == kinds, "every §6.4 kind is covered")
        for vector in file.cases {
            #expect(try ProtocolVectors.framingError(vector.fragments, mtu: file.mtu) == vector.error, "\(vector.name)")
        }
    }

    struct MessagesFile: Decodable {
        struct Entry: Decodable { var name: String; var kind: String; var hex: String }
        var messages: [Entry]
    }

    /// Builds a TLV body from a `fields` object: ascending field numbers (SPEC §7.1); the
    /// non-critical fields are Error 2, 3 and Info 4, 5.
    static func body(fromFields object: [String: Any], names: [UInt8: String], type: UInt8?) throws -> [UInt8] {
        var writer = TLVWriter()
        for number in names.keys.sorted() {
            guard let name = names[number], let value = object[name] else { continue }
            let critical = !((type == 0x0F && number >= 2) || (type == 0x30 && number >= 4))
            if let list = value as? [[String: Any]] {
                for nested in list {
                    try writer.append(number, critical: critical, try body(fromFields: nested, names: ProtocolVectors.networkFieldNames, type: nil))
                }
            } else if let hex = value as? String {
                try writer.append(number, critical: critical, try Hex.decode(hex))
            }
        }
        return writer.bytes
    }

    /// Every `fields` object encodes, in the §7.1 order, to the entry's octets.
    @Test func messageFieldsEncodeToTheOctets() throws {
        let raw = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: ProtocolVectors.url("messages.json"))) as? [String: Any])
        let entries = try #require(raw["messages"] as? [[String: Any]])
        var checked = 0
        for entry in entries {
            guard let fields = entry["fields"] as? [String: Any], let hex = entry["hex"] as? String else { continue }
            let bytes = try Hex.decode(hex)
            let names = try #require(ProtocolVectors.fieldNames[bytes[0]])
            #expect([bytes[0]] + (try Self.body(fromFields: fields, names: names, type: bytes[0])) == bytes, "\(entry["name"] ?? "")")
            checked += 1
        }
        #expect(checked == 24)
    }

    @Test func everyMessageInTheFileDecodesAndReencodes() throws {
        let file = try VectorFiles.protocolVector("messages.json", as: MessagesFile.self)
        #expect(file.messages.count == 27)
        for entry in file.messages {
            let bytes = try Hex.decode(entry.hex)
            switch entry.kind {
            case "record": #expect(try Record.decode(bytes).encoded() == bytes, "\(entry.name)")
            case "application": #expect(try ApplicationMessage.decode(bytes).encoded() == bytes, "\(entry.name)")
            case "info-characteristic": #expect(try PublicInfo(decoding: bytes).encoded() == bytes)
            default:
                if entry.name == "ManufacturerData" { #expect(try SetupAdvertisement(manufacturerData: bytes).manufacturerData == bytes) }
                else { #expect(bytes.count == 30) }
            }
        }
    }
}
