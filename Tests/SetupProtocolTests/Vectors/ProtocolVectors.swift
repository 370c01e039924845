import Foundation
@testable import SetupProtocol

/// Builds the JSON documents of `Protocol/vectors/` from the code. The tests compare them with
/// the files byte for byte; `REGENERATE_VECTORS=1 swift test --filter ProtocolVectorTests`
/// rewrites the files.
enum ProtocolVectors {
    static let files = ["key-schedule.json", "session.json", "fragmentation.json", "framing-errors.json", "messages.json"]

    static func document(_ name: String) throws -> Any {
        switch name {
        case "key-schedule.json": return try keySchedule()
        case "session.json": return try sessions()
        case "fragmentation.json": return try fragmentation()
        case "framing-errors.json": return try framingErrors()
        default: return try messages()
        }
    }

    static func serialized(_ document: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func url(_ name: String) -> URL {
        VectorFiles.repositoryRoot.appendingPathComponent("Protocol/vectors").appendingPathComponent(name)
    }

    // MARK: key-schedule.json

    static let keyScheduleISK = Array(UInt8(0)...UInt8(63))

    static func sampleHellos() throws -> (clientHello: [UInt8], serverHelloPrefix: [UInt8]) {
        let hello = try ClientHello(offeredVersions: [1], sessionID: Array(repeating: 0x11, count: 16), clientID: Array(repeating: 0x22, count: 16), share: Array(repeating: 0x33, count: 32))
        let prefix = try ServerHello.transcriptPrefix(chosenVersion: 1, supportedVersions: [1], printerNonce: Array(repeating: 0x44, count: 16), share: Array(repeating: 0x55, count: 32))
        return (try Record.clientHello(hello).encoded(), prefix)
    }

    static func keySchedule() throws -> [String: Any] {
        let (ch, shp) = try sampleHellos()
        let th = Transcript.hash(clientHello: ch, serverHelloPrefix: shp)
        let keys = KeySchedule(intermediateSessionKey: SecretBytes(keyScheduleISK), transcriptHash: th)
        var client = keys.clientChannel(), printer = keys.printerChannel()
        let request = try ApplicationMessage.identify(.blink).encoded()
        let answer = try ApplicationMessage.joinStatus(.received).encoded()
        let sealed0 = try client.seal(request, recordType: Record.TypeCode.sealed)
        let sealed1 = try client.seal(request, recordType: Record.TypeCode.sealed)
        let printerSealed0 = try printer.seal(answer, recordType: Record.TypeCode.sealed)
        return [
            "description": "HKDF-SHA-512 key schedule (SPEC §9.4): PRK = HKDF-Extract(salt = TH, IKM = ISK); each key = HKDF-Expand(PRK, label, length). Tags = first 32 octets of HMAC-SHA-512(confirmation key, TH). nonce = iv XOR (0^4 || u64be(counter)). AAD = record type octet.",
            "inputs": [
                "isk": Hex.encode(keyScheduleISK),
                "client_hello": Hex.encode(ch),
                "server_hello_prefix": Hex.encode(shp),
            ],
            "transcript_hash": Hex.encode(th),
            "labels": [
                KeySchedule.Label.printerConfirmation: ["length": 64, "output": Hex.encode(keys.printerConfirmationKey.bytes)],
                KeySchedule.Label.clientConfirmation: ["length": 64, "output": Hex.encode(keys.clientConfirmationKey.bytes)],
                KeySchedule.Label.clientKey: ["length": 32, "output": Hex.encode(keys.clientKey.bytes)],
                KeySchedule.Label.printerKey: ["length": 32, "output": Hex.encode(keys.printerKey.bytes)],
                KeySchedule.Label.clientIV: ["length": 12, "output": Hex.encode(keys.clientIV.bytes)],
                KeySchedule.Label.printerIV: ["length": 12, "output": Hex.encode(keys.printerIV.bytes)],
            ],
            "printer_confirmation": Hex.encode(keys.printerConfirmation),
            "client_confirmation": Hex.encode(keys.clientConfirmation),
            "client_nonces": [0, 1, 4_294_967_295].map { counter in
                ["counter": counter, "nonce": Hex.encode(SecureChannel.nonce(iv: keys.clientIV.bytes, counter: UInt64(counter)))]
            },
            "handshake": try happyPathHandshake(),
            "sealed_examples": [
                ["direction": "client-to-printer", "counter": 0, "aad": "10", "plaintext": Hex.encode(request), "sealed": Hex.encode(sealed0)],
                ["direction": "client-to-printer", "counter": 1, "aad": "10", "plaintext": Hex.encode(request), "sealed": Hex.encode(sealed1)],
                ["direction": "printer-to-client", "counter": 0, "aad": "10", "plaintext": Hex.encode(answer), "sealed": Hex.encode(printerSealed0)],
            ],
        ]
    }

    /// Every intermediate value of the first handshake of session.json's happy path.
    static func happyPathHandshake() throws -> [String: Any] {
        let scenario = try scenarios()[0]
        let link = try run(scenario, centralRandom: SeededRandom(seed: scenario.centralSeed), printerRandom: SeededRandom(seed: scenario.printerSeed))
        let central = link.centralRandom.drawn, printer = link.printerRandom.drawn
        let sid = Array(central[0..<16]), ya = SecretBytes(Array(central[16..<48]))
        let nonce = Array(printer[0..<16]), yb = SecretBytes(Array(printer[16..<48]))
        let prs = Array(pin.utf8)
        let ci = HandshakeBinding.channelIdentifier(authMethod: .displayedPIN, shortID: ShortID(0x3F0A), clientID: Array(0x10...0x1F))
        let adA = HandshakeBinding.initiatorData(offeredVersions: [1])
        let adB = HandshakeBinding.responderData(chosenVersion: 1, supportedVersions: [1], printerNonce: nonce)
        let g = CPace.generator(prs: prs, channelIdentifier: ci, sessionID: sid)
        let shareA = try CPace.publicShare(scalar: ya, generator: g)
        let shareB = try CPace.publicShare(scalar: yb, generator: g)
        let k = try CPace.sharedSecret(scalar: ya, peerShare: shareB)
        let isk = CPace.intermediateSessionKey(sessionID: sid, sharedSecret: k, initiatorShare: shareA, initiatorData: adA, responderShare: shareB, responderData: adB)
        let clientHello = try Record.clientHello(ClientHello(offeredVersions: [1], sessionID: sid, clientID: Array(0x10...0x1F), share: shareA)).encoded()
        let prefix = try ServerHello.transcriptPrefix(chosenVersion: 1, supportedVersions: [1], printerNonce: nonce, share: shareB)
        let th = Transcript.hash(clientHello: clientHello, serverHelloPrefix: prefix)
        let keys = KeySchedule(intermediateSessionKey: isk, transcriptHash: th)
        return [
            "description": "The first handshake of session.json happy-path (SPEC §9): PIN 12345670, displayed-pin, short id 3F0A, client id 10..1f, offered/supported versions [1].",
            "prs": Hex.encode(prs), "ci": Hex.encode(ci), "sid": Hex.encode(sid), "ada": Hex.encode(adA), "adb": Hex.encode(adB),
            "ya": Hex.encode(ya.bytes), "yb": Hex.encode(yb.bytes), "printer_nonce": Hex.encode(nonce),
            "generator": Hex.encode(g), "share_a": Hex.encode(shareA), "share_b": Hex.encode(shareB), "k": Hex.encode(k.bytes),
            "isk": Hex.encode(isk.bytes), "client_hello": Hex.encode(clientHello), "server_hello_prefix": Hex.encode(prefix),
            "transcript_hash": Hex.encode(th),
            "printer_confirmation": Hex.encode(keys.printerConfirmation), "client_confirmation": Hex.encode(keys.clientConfirmation),
        ]
    }

    // MARK: session.json

    static let pin = "12345670"
    static let wrongPIN = "00000000"

    /// One application input of a scenario, in the order performed; each runs once the traffic of
    /// the previous one has been delivered (SPEC §16, `session.json` `steps`).
    enum Step {
        /// `pin` nil: button mode (the public PRS).
        case startHandshake(pin: String?, firstRequest: ApplicationMessage?)
        case send(ApplicationMessage)
        case reportJoinStatus(JoinStatus)
        case sendScanResults([ScanResult])
        case pressButton
    }

    struct Scenario {
        var name: String
        var description: String
        var centralSeed: UInt64
        var printerSeed: UInt64
        var steps: [Step]
        var offeredVersions: [UInt8] = [1]
        var mtu = 23
        var authMethod = AuthMethod.displayedPIN
        var supportedVersions: [UInt8] = [1]
    }

    static func scenarios() throws -> [Scenario] {
        let right = ApplicationMessage.setCredentials(try Fixtures.credentials())
        let wrong = ApplicationMessage.setCredentials(try Fixtures.credentials(passphrase: "wrong passphrase"))
        let connected = try Fixtures.connected()
        let progress: [Step] = [.reportJoinStatus(.associating), .reportJoinStatus(.authenticating), .reportJoinStatus(.obtainingAddress), .reportJoinStatus(connected)]
        return [
            Scenario(
                name: "happy-path", description: "Credentials in ClientFinish; the printer reports progress until connected (SPEC §14.1).",
                centralSeed: 101, printerSeed: 201, steps: [.startHandshake(pin: pin, firstRequest: right)] + progress),
            Scenario(
                name: "wrong-pin-then-right-pin", description: "A wrong PIN costs one attempt (2 left); the right PIN on the same connection succeeds (SPEC §14.3).",
                centralSeed: 102, printerSeed: 202,
                steps: [.startHandshake(pin: wrongPIN, firstRequest: right), .startHandshake(pin: pin, firstRequest: right), .reportJoinStatus(connected)]),
            Scenario(
                name: "wrong-passphrase-then-corrected", description: "The join fails with a wrong passphrase; corrected credentials in the same session succeed (SPEC §14.5).",
                centralSeed: 103, printerSeed: 203,
                steps: [.startHandshake(pin: pin, firstRequest: wrong), .reportJoinStatus(.associating), .reportJoinStatus(.authenticating),
                        .reportJoinStatus(.failed(.wrongPassphrase)), .send(right)] + progress),
            Scenario(
                name: "no-first-request-then-requests", description: "ClientFinish without a sealed message; the first Sealed record uses client counter 0 (SPEC §10, §14.2): DeviceInfoRequest, then Identify(blink).",
                centralSeed: 104, printerSeed: 204,
                steps: [.startHandshake(pin: pin, firstRequest: nil), .send(.deviceInfoRequest), .send(.identify(.blink))]),
            Scenario(
                name: "client-offers-two-versions", description: "The client offers [2, 1]; the printer supports [1] and chooses 1. ADa = 43 02 02 01: n is one octet and the versions keep the order of ClientHello field 1 (SPEC §9.1, §9.5).",
                centralSeed: 105, printerSeed: 205, steps: [.startHandshake(pin: pin, firstRequest: right), .reportJoinStatus(connected)],
                offeredVersions: [2, 1]),
            Scenario(
                name: "scan-and-reset-at-mtu-185", description: "MTU 185 (one fragment per message): handshake without a first request, ScanRequest answered with the five networks of fragmentation.json, then ResetNetwork: Acknowledge(27) and the printer disconnects (SPEC §8.3, §8.8, §14.2).",
                centralSeed: 106, printerSeed: 206,
                steps: [.startHandshake(pin: pin, firstRequest: nil), .send(.scanRequest), .sendScanResults(try scanResultsList()), .send(.resetNetwork)],
                mtu: 185),
            Scenario(
                name: "button-mode", description: "Button mode: the printer's button is pressed, the client uses the public button PRS and auth method 2 in CI; credentials in ClientFinish (SPEC §9.1, §11.5, §14.7).",
                centralSeed: 107, printerSeed: 207,
                steps: [.pressButton, .startHandshake(pin: nil, firstRequest: right), .reportJoinStatus(connected)],
                authMethod: .button),
            Scenario(
                name: "lock-out", description: "Three wrong PINs: attempts left 2, 1, then Error(lockedOut, 0, 30) and the printer rotates its PIN; a ClientHello at the same instant is refused with Error(lockedOut, retry after 30) and nothing is drawn (SPEC §8.9, §11.3, §14.4).",
                centralSeed: 108, printerSeed: 208,
                steps: [.startHandshake(pin: wrongPIN, firstRequest: right), .startHandshake(pin: "11111115", firstRequest: right),
                        .startHandshake(pin: "99999995", firstRequest: right), .startHandshake(pin: pin, firstRequest: right)]),
            Scenario(
                name: "printer-lists-two-versions", description: "The printer lists supported versions [1, 2] in ServerHello (test configuration: it speaks version 1 only); the client offers [1]; version 1 is chosen. ADb = 50 01 02 01 02 ‖ nonce: m is one octet and the versions keep the order of ServerHello field 2 (SPEC §9.1).",
                centralSeed: 109, printerSeed: 209, steps: [.startHandshake(pin: pin, firstRequest: right), .reportJoinStatus(connected)],
                supportedVersions: [1, 2]),
        ]
    }

    /// The central request an application message stands for.
    static func request(_ message: ApplicationMessage) throws -> CentralRequest {
        switch message {
        case .deviceInfoRequest: return .deviceInfo
        case .scanRequest: return .scan
        case .setCredentials(let credentials): return .setCredentials(credentials)
        case .identify(let action): return .identify(action)
        case .resetNetwork: return .resetNetwork
        default: throw ProtocolError(.unexpectedMessage, detail: "not a client request")
        }
    }

    /// Runs a scenario's steps at MTU 23 with the given randomness.
    static func run(
        _ steps: [Step], offeredVersions: [UInt8], supportedVersions: [UInt8], mtu: Int, authMethod: AuthMethod,
        centralRandom: SeededRandom, printerRandom: SeededRandom
    ) throws -> Link {
        var link = try Link(
            mtu: mtu, authMethod: authMethod, offeredVersions: offeredVersions, supportedVersions: supportedVersions,
            centralRandom: centralRandom, printerRandom: printerRandom)
        if authMethod != .button { link.setup.show(try SetupPIN(validating: pin), now: link.now) }
        for step in steps {
            switch step {
            case .startHandshake(let typed, let first):
                let authentication: CentralAuthentication = try typed.map { .pin(try SetupPIN(validating: $0)) } ?? .button
                try link.startHandshake(authentication, firstRequest: try first.map(request))
            case .send(let message): try link.send(try request(message))
            case .reportJoinStatus(let status): try link.report(status)
            case .sendScanResults(let results): try link.sendScanResults(results)
            case .pressButton: link.setup.buttonPressed(now: link.now)
            }
        }
        return link
    }

    static func run(_ scenario: Scenario, centralRandom: SeededRandom, printerRandom: SeededRandom) throws -> Link {
        try run(scenario.steps, offeredVersions: scenario.offeredVersions, supportedVersions: scenario.supportedVersions, mtu: scenario.mtu, authMethod: scenario.authMethod, centralRandom: centralRandom, printerRandom: printerRandom)
    }

    /// A step as the language-neutral object of `session.json`.
    static func object(_ step: Step) throws -> [String: Any] {
        switch step {
        case .startHandshake(let typed, let first):
            var object: [String: Any] = ["actor": "central", "action": "startHandshake"]
            if let typed { object["pin"] = typed }
            if let first { object["first_request"] = Hex.encode(try first.encoded()) }
            return object
        case .send(let message): return ["actor": "central", "action": "send", "request": Hex.encode(try message.encoded())]
        case .reportJoinStatus(let status):
            return ["actor": "printer", "action": "reportJoinStatus", "message": Hex.encode(try ApplicationMessage.joinStatus(status).encoded())]
        case .sendScanResults(let results):
            return ["actor": "printer", "action": "sendScanResults", "message": Hex.encode(try ApplicationMessage.scanResults(results).encoded())]
        case .pressButton: return ["actor": "printer", "action": "pressButton"]
        }
    }

    /// Reads a step back from its `session.json` object.
    static func step(_ object: [String: Any]) throws -> Step {
        func message(_ key: String) throws -> ApplicationMessage {
            guard let hex = object[key] as? String else { throw ProtocolError(.missingField(0), detail: key) }
            return try ApplicationMessage.decode(try Hex.decode(hex))
        }
        switch object["action"] as? String {
        case "startHandshake":
            return .startHandshake(pin: object["pin"] as? String, firstRequest: object["first_request"] == nil ? nil : try message("first_request"))
        case "send": return .send(try message("request"))
        case "reportJoinStatus":
            guard case .joinStatus(let status) = try message("message") else { throw ProtocolError(.unexpectedMessage) }
            return .reportJoinStatus(status)
        case "sendScanResults":
            guard case .scanResults(let results) = try message("message") else { throw ProtocolError(.unexpectedMessage) }
            return .sendScanResults(results)
        case "pressButton": return .pressButton
        default: throw ProtocolError(.unexpectedMessage, detail: "unknown action")
        }
    }

    static func sessions() throws -> [String: Any] {
        var out: [[String: Any]] = []
        for scenario in try scenarios() {
            let link = try run(scenario, centralRandom: SeededRandom(seed: scenario.centralSeed), printerRandom: SeededRandom(seed: scenario.printerSeed))
            out.append(try record(scenario, link))
        }
        return [
            "description": "Complete recorded sessions at the ATT MTU given per scenario (SPEC §14, §16). In PIN modes the printer shows `pin` at the start (button mode has no `pin`; its `pressButton` step opens the window); the printer answers DeviceInfoRequest with `device_info`. `steps` are the applications' inputs in order; each step is performed once all traffic caused by the previous one has been delivered (a role replaying alone performs its own next step when the recording shows it sending next). Request and status octets are application-message plaintexts (SPEC §8). Each side draws its randomness, in order, from the given byte string (central: sid 16, scalar 32 per attempt; printer: nonce 16, scalar 32 per attempt). Frames are every ATT value in delivery order; a write-request's response precedes the notifications the printer sends while handling it. Events use the vocabulary of SPEC §13.3.",
            "scenarios": out,
        ]
    }

    static func record(_ scenario: Scenario, _ link: borrowing Link) throws -> [String: Any] {
        var object: [String: Any] = [
            "name": scenario.name,
            "description": scenario.description,
            "mtu": scenario.mtu,
            "auth_method": Int(scenario.authMethod.rawValue),
            "advertised_version": 1,
            "offered_versions": scenario.offeredVersions.map(Int.init),
            "supported_versions": scenario.supportedVersions.map(Int.init),
            "short_id": "3F0A",
            "client_id": Hex.encode(Array(0x10...0x1F)),
            "device_info": Hex.encode(try ApplicationMessage.deviceInfo(Fixtures.deviceInfo()).encoded()),
            "steps": try scenario.steps.map(object),
            "central_random": Hex.encode(link.centralRandom.drawn),
            "printer_random": Hex.encode(link.printerRandom.drawn),
            "frames": link.frames.map { ["dir": $0.direction.rawValue, "op": $0.operation, "hex": Hex.encode($0.bytes)] },
            "round_trips": link.roundTrips,
            "att_operations": link.attOperations,
            "central_events": link.centralEvents.map(EventVocabulary.object),
            "printer_events": link.printerEvents.map(EventVocabulary.object),
        ]
        if scenario.authMethod != .button { object["pin"] = pin }
        return object
    }

    // MARK: fragmentation.json

    static func scanResultsSample() throws -> ApplicationMessage { .scanResults(try scanResultsList()) }

    static func scanResultsList() throws -> [ScanResult] {
        [
            try ScanResult(ssid: Array("HomeNet".utf8), rssi: -48, security: .wpa2WPA3, channel: 36, band: .ghz5),
            try ScanResult(ssid: Array("HomeNet".utf8), rssi: -55, security: .wpa2WPA3, channel: 6, band: .ghz2_4),
            try ScanResult(ssid: Array("Neighbours-Guest".utf8), rssi: -71, security: .open, channel: 11, band: .ghz2_4),
            try ScanResult(ssid: Array("Office 6E".utf8), rssi: -80, security: .wpa3SAE, channel: 37, band: .ghz6),
            try ScanResult(ssid: [], rssi: -88, security: .wpa2PSK, channel: 1, band: .ghz2_4),
        ]
    }

    static func fragmentation() throws -> [String: Any] {
        let message = try scanResultsSample().encoded()
        return [
            "description": "One message (a plaintext ScanResults application message, used here only as octets) fragmented at ATT MTU 23 and 185 (SPEC §6). Fragment = header (0x80 FIRST | 0x40 LAST | sequence mod 64) [+ u16be length on FIRST] + payload; each fragment at most MTU - 3 octets.",
            "message": Hex.encode(message),
            "cases": try [23, 185].map { mtu -> [String: Any] in
                ["mtu": mtu, "fragments": try Fragmenter.fragments(of: message, mtu: mtu).map(Hex.encode)]
            },
        ]
    }

    // MARK: framing-errors.json

    /// Fragment sequences that break a §6.4 rule: (name, fragments at MTU 23, hex).
    static let framingErrorCases: [(String, [String])] = [
        ("empty fragment", [""]),
        ("continuation of 21 octets, nothing in progress", ["01" + String(repeating: "aa", count: 20)]),
        ("FIRST of 21 octets announcing 4000", ["c00fa0" + String(repeating: "aa", count: 18)]),
        ("FIRST shorter than 3 octets", ["c000"]),
        ("FIRST with SEQ 1, nothing in progress", ["c10001aa"]),
        ("FIRST with SEQ 5 while a message is in progress", ["800020aa", "850001bb"]),
        ("FIRST with an empty payload", ["800005"]),
        ("continuation with an empty payload, nothing in progress", ["01"]),
        ("continuation, nothing in progress", ["41aa"]),
        ("announced length 2049", ["800801aa"]),
        ("FIRST while a message is in progress", ["800020aa", "c00001bb"]),
        ("lost fragment (SEQ 2 after 0)", ["800020aa", "02bb"]),
        ("repeated fragment (SEQ 1 twice)", ["800020aa", "01bb", "01cc"]),
        ("payload beyond the announced length", ["800002aa", "41bbcc"]),
        ("LAST before the announced length", ["800003aa", "41bb"]),
        ("single FIRST|LAST shorter than announced", ["c00002aa"]),
        ("announced length reached without LAST", ["800002aa", "01bb"]),
    ]

    /// The §15.3 kind name, without an argument.
    static func kindName(_ kind: ProtocolError.Kind) -> String {
        String(String(describing: kind).prefix { $0 != "(" })
    }

    /// The kind the reassembler reports for a case: every fragment but the last is accepted.
    static func framingError(_ fragments: [String], mtu: Int) throws -> String {
        var reassembler = Reassembler()
        for (index, fragment) in fragments.enumerated() {
            do {
                _ = try reassembler.receive(try Hex.decode(fragment), mtu: mtu, now: MonotonicInstant(milliseconds: 0))
            } catch let error as ProtocolError {
                guard index == fragments.count - 1 else { return "rejected early: \(kindName(error.kind))" }
                return kindName(error.kind)
            }
        }
        return "accepted"
    }

    static func framingErrors() throws -> [String: Any] {
        [
            "description": "Fragment sequences at ATT MTU 23 (V = 20) that break a rule of SPEC §6.4, delivered in order to a fresh receiver: every fragment but the last is accepted, the last is rejected with `error` (the §15.3 kind; all map to wire code framingError). Where several rules apply, the first in §6.4's table wins.",
            "mtu": 23,
            "cases": try framingErrorCases.map { name, fragments -> [String: Any] in
                ["name": name, "fragments": fragments, "error": try framingError(fragments, mtu: 23)]
            },
        ]
    }

    // MARK: messages.json

    /// SPEC field names (snake_case) per message type, for messages.json's `fields`.
    static let fieldNames: [UInt8: [UInt8: String]] = [
        0x01: [1: "versions", 2: "session_id", 3: "client_id", 4: "share"],
        0x02: [1: "chosen_version", 2: "supported_versions", 3: "printer_nonce", 4: "share", 5: "confirmation"],
        0x03: [1: "confirmation", 2: "sealed_message"],
        0x0F: [1: "code", 2: "attempts_left", 3: "retry_after"],
        0x20: [:], 0x22: [:], 0x27: [:],
        0x21: [1: "model", 2: "serial", 3: "firmware", 4: "mac"],
        0x23: [1: "network"],
        0x24: [1: "ssid", 2: "security", 3: "passphrase", 4: "hidden", 5: "static_ipv4", 6: "hostname", 7: "disable_wps"],
        0x25: [1: "stage", 2: "reason", 3: "address"],
        0x26: [1: "action"],
        0x28: [1: "request_type"],
        0x30: [1: "versions", 2: "short_id", 3: "auth_method", 4: "device_class", 5: "model"],
    ]
    static let networkFieldNames: [UInt8: String] = [1: "ssid", 2: "rssi", 3: "security", 4: "channel", 5: "band"]

    /// A TLV body as {field name: value hex}; ScanResults' repeatable `network` as a list of nested objects.
    static func fieldsObject(_ body: ArraySlice<UInt8>, names: [UInt8: String], nested: Bool = false) throws -> [String: Any] {
        let decoded = try TLVFields(decoding: body, known: Set(names.keys), repeatable: nested ? [] : (names[1] == "network" ? [1] : []))
        var object: [String: Any] = [:]
        for (_, field) in decoded.fields {
            guard let name = names[field.number] else { continue }
            if name == "network" {
                var list = object[name] as? [[String: Any]] ?? []
                list.append(try fieldsObject(field.value[...], names: networkFieldNames, nested: true))
                object[name] = list
            } else {
                object[name] = Hex.encode(field.value)
            }
        }
        return object
    }

    static func messages() throws -> [String: Any] {
        var entries: [[String: Any]] = []
        func add(_ name: String, _ kind: String, _ bytes: [UInt8], _ note: String) throws {
            var entry: [String: Any] = ["name": name, "kind": kind, "hex": Hex.encode(bytes), "note": note]
            if kind != "advertisement", bytes.first != Record.TypeCode.sealed, let names = fieldNames[bytes[0]] {
                entry["fields"] = try fieldsObject(bytes[1...], names: names)
            }
            entries.append(entry)
        }
        let (ch, _) = try sampleHellos()
        try add("ClientHello", "record", ch, "offered [1], sid 11*16, client id 22*16, share 33*32")
        let sh = try ServerHello(chosenVersion: 1, supportedVersions: [1], printerNonce: Array(repeating: 0x44, count: 16), share: Array(repeating: 0x55, count: 32), confirmation: Array(repeating: 0x66, count: 32))
        try add("ServerHello", "record", try Record.serverHello(sh).encoded(), "chosen 1, supported [1], nonce 44*16, share 55*32, confirmation 66*32 (last field)")
        try add("ClientFinish", "record", try Record.clientFinish(ClientFinish(confirmation: Array(repeating: 0x77, count: 32), sealedMessage: Array(repeating: 0x88, count: 20))).encoded(), "confirmation 77*32, sealed message 88*20")
        try add("ClientFinish-no-request", "record", try Record.clientFinish(ClientFinish(confirmation: Array(repeating: 0x77, count: 32), sealedMessage: nil)).encoded(), "confirmation only")
        try add("Error-plain", "record", try Record.error(ErrorReport(code: .authenticationFailed, attemptsLeft: 2)).encoded(), "authenticationFailed, 2 attempts left")
        try add("Error-lockedOut", "record", try Record.error(ErrorReport(code: .lockedOut, attemptsLeft: 0, retryAfterSeconds: 30)).encoded(), "lockedOut, retry after 30 s")
        try add("Sealed", "record", try Record.sealed(Array(repeating: 0x99, count: 21)).encoded(), "ciphertext || tag, opaque here")
        for sample in try MessageSamples.all() {
            try add(sample.name, "application", try sample.message.encoded(), sample.note)
        }
        let advertisement = SetupAdvertisement(version: 1, authMethod: .displayedPIN, isProvisioned: false, isBusy: false, shortID: ShortID(0x3F0A), deviceClass: .printer)
        try add("ManufacturerData", "advertisement", advertisement.manufacturerData, "version 1, displayed PIN, not provisioned, not busy, short id 3F0A, printer")
        try add("AdvertisingData", "advertisement", advertisement.advertisingData(), "Flags + 128-bit service UUID + manufacturer data (company 0xFFFF): 30 of 31 octets")
        let info = try PublicInfo(supportedVersions: [1], shortID: ShortID(0x3F0A), authMethod: .displayedPIN, deviceClass: .printer, model: "LaserJet Test 400")
        try add("PublicInfo", "info-characteristic", try info.encoded(), "versions [1], short id 3F0A, displayed PIN, printer, model")
        return [
            "description": "Encodings of every message (SPEC §7, §8). fields: the value octets of each TLV field by SPEC field name (snake_case), in hex; ScanResults' network is a list of nested objects; absent optional fields are absent; senders write fields in ascending field number (SPEC §7.1), so the octets are the fields encoded in that order. kind: record = a reassembled message on Request/Events; application = the plaintext inside a sealed record; advertisement = manufacturer data / full AD; info-characteristic = the Info value.",
            "messages": entries,
        ]
    }
}

/// Named application-message samples shared by messages.json and its test.
enum MessageSamples {
    struct Sample {
        var name: String
        var message: ApplicationMessage
        var note: String
    }

    static func all() throws -> [Sample] {
        let staticCredentials = try WiFiCredentials(
            ssid: [0x00, 0xFF, 0x41], security: .wpa2PSK, passphrase: WiFiPassphrase(String(repeating: "a1", count: 32)), isHidden: true,
            staticIPv4: StaticIPv4(
                interface: IPv4Interface(address: IPv4Address(10, 0, 0, 9), prefixLength: 24),
                gateway: IPv4Address(10, 0, 0, 1), dnsServers: [IPv4Address(10, 0, 0, 1), IPv4Address(9, 9, 9, 9)]),
            hostname: "printer-1", disableWPS: true)
        return [
            Sample(name: "DeviceInfoRequest", message: .deviceInfoRequest, note: "no fields"),
            Sample(name: "DeviceInfo", message: .deviceInfo(try Fixtures.deviceInfo()), note: "model, serial, firmware, MAC 02:00:5e:10:20:30"),
            Sample(name: "ScanRequest", message: .scanRequest, note: "no fields"),
            Sample(name: "ScanResults", message: try ProtocolVectors.scanResultsSample(), note: "five networks, one hidden"),
            Sample(name: "SetCredentials", message: .setCredentials(try Fixtures.credentials()), note: "ssid HomeNet, wpa2-wpa3, passphrase 'correct horse battery'"),
            Sample(name: "SetCredentials-static", message: .setCredentials(staticCredentials), note: "ssid 00ff41, wpa2-psk, 64-hex PSK a1*32, hidden, static 10.0.0.9/24 gw 10.0.0.1 dns 10.0.0.1 9.9.9.9, hostname printer-1, disable WPS"),
            Sample(name: "SetCredentials-open", message: .setCredentials(try WiFiCredentials(ssid: Array("Cafe".utf8), security: .open, passphrase: nil)), note: "open network, no passphrase"),
            Sample(name: "JoinStatus-received", message: .joinStatus(.received), note: "stage 1"),
            Sample(name: "JoinStatus-associating", message: .joinStatus(.associating), note: "stage 2"),
            Sample(name: "JoinStatus-authenticating", message: .joinStatus(.authenticating), note: "stage 3"),
            Sample(name: "JoinStatus-obtainingAddress", message: .joinStatus(.obtainingAddress), note: "stage 4"),
            Sample(name: "JoinStatus-connected", message: .joinStatus(try Fixtures.connected()), note: "stage 5, 192.168.1.57/24"),
            Sample(name: "JoinStatus-failed", message: .joinStatus(.failed(.wrongPassphrase)), note: "stage 6, reason 1 wrong passphrase"),
            Sample(name: "Identify", message: .identify(.printPINPage), note: "action 3 print PIN page"),
            Sample(name: "ResetNetwork", message: .resetNetwork, note: "no fields"),
            Sample(name: "Acknowledge", message: .acknowledge(requestType: ApplicationMessage.TypeCode.identify), note: "acknowledges Identify (0x26)"),
            Sample(name: "Error-sealed", message: .error(ErrorReport(code: .invalidField)), note: "invalidField"),
        ]
    }
}
