import SetupProtocol

/// The `sealed` target: what a peer can send after the handshake, where the other stateful
/// targets rarely get (they would have to guess a confirmation tag).
///
/// A real handshake between a `CentralSession` and a `PrinterSession`, with fixed randomness,
/// starts every input (the sessions are non-copyable, so there is no copy to start from). The test
/// plays the peer with the session's own keys (its `keyLogEntry`, SPEC §18), so it can send
/// both forged records and correctly sealed ones whose plaintext the input chooses; the latter
/// reach `ApplicationMessage.decode` and the state machine behind it.
///
/// Input: octet 0 picks the scenario (bits 0-1: 0 or 3 the central, 1 the authenticated
/// printer, 2 the printer before ClientFinish, whose first message rides in ClientFinish) and,
/// for the central, the request it has outstanding (bits 2-4: device info, scan, credentials,
/// identify, reset; 5-7 none). Then messages, each `[flags, length (2 octets, big-endian),
/// octets]`; flags bits 0-1: 0 the octets are the ciphertext of a sealed record (a forgery),
/// 1 they are the plaintext, sealed with the right key, counter and record type, 2 the same
/// sealed twice (a replay), 3 sealed with the wrong record type in the AAD; bit 2: fragmented
/// for the minimum MTU instead of the session's.
///
/// Checked on every input: a forged, replayed or mis-typed record is never accepted (the session
/// ends with `decryptionFailed`, or `malformedMessage` for a record too short to hold a tag);
/// every failure ends the session with a `ProtocolError` whose message is for a person, and a
/// disconnect; whatever the printer sends back opens and decodes on the central's side, and the
/// central's request opens and decodes on the printer's side.
enum SealedTarget {
    static let now = AuthenticatedSessions.now
    static let mtu = AuthenticatedSessions.mtu

    static func run(_ data: [UInt8]) {
        guard let control = data.first else { return }
        let messages = SealedMessage.parse(data.dropFirst())
        switch control & 0x03 {
        case 1: runPrinter(messages, beforeFinish: false)
        case 2: runPrinter(messages, beforeFinish: true)
        default: runCentral(messages, request: Int(control >> 2) & 0x07)
        }
    }

    // MARK: - Central

    static func runCentral(_ messages: [SealedMessage], request: Int) {
        let start = AuthenticatedSessions.handshake(deliveringFinish: true)
        // The printer's side of the keys: seals printer → client, opens client → printer.
        var peer = start.keys.clientToPrinterOpener()
        var central = start.central
        let requests: [CentralRequest] = [
            .deviceInfo, .scan, .setCredentials(AuthenticatedSessions.credentials), .identify(.blink), .resetNetwork,
        ]
        if request < requests.count {
            let actions: [CentralAction]
            do throws(ProtocolError) {
                actions = try central.send(requests[request], now: now)
            } catch {
                fatalError("an authenticated central refused a first request: \(error.message)")
            }
            for operations in actions.compactMap(\.writes) {
                let record = reassemble(operations.map(\.value), mtu: mtu)
                guard case .sealed(let ciphertext) = record else { fatalError("the central's request is not a sealed record") }
                expectDecodable(&peer, ciphertext, recordType: Record.TypeCode.sealed, from: "the central")
            }
        }
        for message in messages {
            guard !central.isClosed else { return }
            guard let deliveries = message.records(sealingWith: &peer, recordType: Record.TypeCode.sealed) else { continue }
            for (index, record) in deliveries.enumerated() {
                guard !central.isClosed else { return }
                let authentic = message.isAuthentic && index == 0
                var actions: [CentralAction] = []
                for fragment in fragments(of: record, mtu: message.mtu(mtu)) {
                    actions += central.receiveNotification(fragment, now: now)
                }
                let failures = actions.compactMap(\.failure)
                failures.forEach(expectTyped)
                if !failures.isEmpty {
                    check(central.isClosed && actions.contains(.disconnect), "the central failed without closing and disconnecting")
                }
                if !authentic, !central.isClosed || failures.isEmpty {
                    fatalError("the central accepted a forged, replayed or mis-typed sealed record")
                }
                if !authentic { failures.forEach(expectRejection) }
            }
        }
    }

    // MARK: - Printer

    static func runPrinter(_ messages: [SealedMessage], beforeFinish: Bool) {
        let start = AuthenticatedSessions.handshake(deliveringFinish: !beforeFinish)
        let confirmation = start.confirmation
        // The central's side of the keys: seals client → printer, opens printer → client.
        var peer = start.keys.printerToClientOpener()
        var printer = start.printer
        var setup = start.setup
        var random = CountingRandom()
        var remaining = messages[...]
        if beforeFinish {
            var sealed: [UInt8]?
            var authentic = true
            if let first = remaining.popFirst() {
                authentic = first.isAuthentic
                sealed = first.sealedMessage(sealingWith: &peer, recordType: Record.TypeCode.clientFinish)
            }
            // A forged first message too short for a tag, or a record above the maximum message
            // size, cannot be encoded: then ClientFinish goes alone.
            let record = clientFinish(sealed, confirmation: confirmation) ?? clientFinish(nil, confirmation: confirmation)
            guard let record else { fatalError("ClientFinish did not encode") }
            let actions = deliver(record.octets, mtu: mtu, to: &printer, setup: &setup, random: &random, peer: &peer)
            check(printer.isAuthenticated || printer.isClosed, "the printer neither authenticated nor ended after ClientFinish")
            if record.carriesMessage, !authentic {
                check(printer.isClosed, "the printer accepted a forged first message in ClientFinish")
                actions.compactMap(\.failure).forEach(expectRejection)
            }
        }
        for message in remaining {
            guard !printer.isClosed else { return }
            guard let deliveries = message.records(sealingWith: &peer, recordType: Record.TypeCode.sealed) else { continue }
            for (index, record) in deliveries.enumerated() {
                guard !printer.isClosed else { return }
                let authentic = message.isAuthentic && index == 0
                let actions = deliver(record, mtu: message.mtu(mtu), to: &printer, setup: &setup, random: &random, peer: &peer)
                if !authentic {
                    let failures = actions.compactMap(\.failure)
                    check(printer.isClosed && !failures.isEmpty, "the printer accepted a forged, replayed or mis-typed sealed record")
                    failures.forEach(expectRejection)
                }
            }
        }
    }

    /// The ClientFinish record with the central's `confirmation` and `sealed`, if it can be encoded.
    static func clientFinish(_ sealed: [UInt8]?, confirmation: [UInt8]) -> (octets: [UInt8], carriesMessage: Bool)? {
        guard let finish = try? ClientFinish(confirmation: confirmation, sealedMessage: sealed),
              let octets = try? Record.clientFinish(finish).encoded(),
              octets.count <= Fragmenter.maximumMessageSize else { return nil }
        return (octets, sealed != nil)
    }

    /// Writes `record` to the printer as the central would (Write Commands, then a Write
    /// Request), answers what the printer asks its application for, and checks what it sends.
    static func deliver(
        _ record: [UInt8], mtu: Int, to printer: inout PrinterSession, setup: inout PrinterSetupState,
        random: inout CountingRandom, peer: inout SecureChannel
    ) -> [PrinterAction] {
        let values = fragments(of: record, mtu: mtu)
        var actions: [PrinterAction] = []
        for (index, value) in values.enumerated() {
            actions += printer.receiveWrite(value, mtu: mtu, withResponse: index == values.count - 1, now: now, setup: &setup, random: &random)
        }
        for event in actions.compactMap(\.printerEvent) {
            do throws(ProtocolError) {
                switch event {
                case .scanRequested: actions += try printer.sendScanResults([], now: now)
                case .joinRequested: actions += try printer.reportJoinStatus(.failed(.networkNotFound), now: now)
                default: break
                }
            } catch {
                fatalError("the printer refused its application's answer: \(error.message)")
            }
        }
        let failures = actions.compactMap(\.failure)
        failures.forEach(expectTyped)
        if !failures.isEmpty {
            check(printer.isClosed && actions.contains(.disconnect), "the printer failed without closing and disconnecting")
        }
        for notification in actions.compactMap(\.notification) {
            guard case .sealed(let ciphertext) = reassemble(notification, mtu: mtu) else {
                fatalError("the authenticated printer sent a plain record")
            }
            expectDecodable(&peer, ciphertext, recordType: Record.TypeCode.sealed, from: "the printer")
        }
        return actions
    }

    // MARK: - Checks

    static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError(message()) }
    }

    /// A failure is a `ProtocolError` whose message is words for a person, not a Swift value.
    static func expectTyped(_ error: ProtocolError) {
        let message = error.message
        check(!message.isEmpty && !message.contains("ProtocolError") && !message.contains("Kind"),
              "a failure's message is not for a person: \(message)")
    }

    /// What a session must say when a record was not sealed by its peer for this place.
    static func expectRejection(_ error: ProtocolError) {
        check(error.kind == .decryptionFailed || error.kind == .malformedMessage,
              "a forged, replayed or mis-typed record failed as \(error.message), not as a decryption failure")
    }

    /// What a session sends its peer opens with the peer's key and decodes.
    static func expectDecodable(_ peer: inout SecureChannel, _ ciphertext: [UInt8], recordType: UInt8, from side: String) {
        do throws(ProtocolError) {
            _ = try ApplicationMessage.decode(try peer.open(ciphertext, recordType: recordType))
        } catch {
            fatalError("\(side) sent a sealed message its peer cannot read: \(error.message)")
        }
    }

    static func fragments(of record: [UInt8], mtu: Int) -> [[UInt8]] {
        do throws(ProtocolError) {
            return try Fragmenter.fragments(of: record, mtu: mtu)
        } catch {
            fatalError("a record the target built does not fragment: \(error.message)")
        }
    }

    static func reassemble(_ fragments: [[UInt8]], mtu: Int) -> Record {
        var reassembler = Reassembler()
        do throws(ProtocolError) {
            for fragment in fragments {
                if let message = try reassembler.receive(fragment, mtu: mtu, now: now) { return try Record.decode(message) }
            }
        } catch {
            fatalError("a session sent fragments that do not reassemble: \(error.message)")
        }
        fatalError("a session sent an incomplete message")
    }
}

/// One message of a `sealed` input: how to turn its octets into records.
struct SealedMessage {
    enum Mode { case forged, sealed, replayed, wrongRecordType }

    var mode: Mode
    var minimumMTU: Bool
    var octets: [UInt8]

    /// Whether the first record it makes is one the session must accept.
    var isAuthentic: Bool { mode == .sealed || mode == .replayed }

    func mtu(_ sessionMTU: Int) -> Int { minimumMTU ? 23 : sessionMTU }

    static func parse(_ data: ArraySlice<UInt8>) -> [SealedMessage] {
        var messages: [SealedMessage] = []
        var index = data.startIndex
        while index + 3 <= data.endIndex {
            let flags = data[index]
            let length = Int(data[index + 1]) << 8 | Int(data[index + 2])
            let end = min(index + 3 + length, data.endIndex)
            let modes: [Mode] = [.forged, .sealed, .replayed, .wrongRecordType]
            messages.append(SealedMessage(mode: modes[Int(flags & 0x03)], minimumMTU: flags & 0x04 != 0, octets: Array(data[(index + 3)..<end])))
            index = end
        }
        return messages
    }

    /// The record's body: the octets themselves when forged, else sealed by `peer`.
    func sealedMessage(sealingWith peer: inout SecureChannel, recordType: UInt8) -> [UInt8]? {
        if mode == .forged { return octets }
        let aad = mode == .wrongRecordType
            ? (recordType == Record.TypeCode.sealed ? Record.TypeCode.clientFinish : Record.TypeCode.sealed) : recordType
        do throws(ProtocolError) {
            return try peer.seal(octets, recordType: aad)
        } catch {
            fatalError("sealing failed: \(error.message)")
        }
    }

    /// The sealed records to deliver (two identical ones for a replay); nil when the record
    /// would exceed the maximum message size.
    func records(sealingWith peer: inout SecureChannel, recordType: UInt8) -> [[UInt8]]? {
        guard let body = sealedMessage(sealingWith: &peer, recordType: recordType),
              body.count < Fragmenter.maximumMessageSize,
              let record = try? Record.sealed(body).encoded() else { return nil }
        return mode == .replayed ? [record, record] : [record]
    }
}

extension CentralAction {
    var writes: [WriteOperation]? { if case .write(let operations) = self { operations } else { nil } }
    var failure: ProtocolError? { if case .event(.failed(let error)) = self { error } else { nil } }
}

extension PrinterAction {
    var notification: [[UInt8]]? { if case .notify(let fragments) = self { fragments } else { nil } }
    var printerEvent: PrinterEvent? { if case .event(let event) = self { event } else { nil } }
    var failure: ProtocolError? { if case .event(.failed(let error)) = self { error } else { nil } }
}
