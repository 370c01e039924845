import Testing
@testable import SetupProtocol

/// Replayed, reordered, tampered, truncated and downgraded traffic is rejected (SPEC §10, §9.5).
@Suite struct AdversarialTests {
    /// An authenticated link at MTU 185 with a join in progress.
    static func authenticatedLink() throws -> Link {
        var link = try Link(mtu: 185)
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin), firstRequest: .setCredentials(try Fixtures.credentials()))
        return link
    }

    static func lastNotification(_ link: borrowing Link) -> [UInt8] {
        link.frames.last { $0.direction == .printerToCentral }!.bytes
    }

    @Test func replayedNotificationIsRejected() throws {
        var link = try Self.authenticatedLink()
        let received = Self.lastNotification(link)
        link.inject(notification: received)
        #expect(link.centralEvents.last == .failed(ProtocolError(.decryptionFailed)))
        #expect(link.disconnected == true)
    }

    @Test func reorderedNotificationsAreRejected() throws {
        var link = try Self.authenticatedLink()
        var held: [[UInt8]] = []
        link.tamper = { delivery in
            if case .notification(let bytes) = delivery, held.count < 1 { held.append(bytes); return nil }
            return delivery
        }
        try link.report(.associating)      // held back
        try link.report(.authenticating)   // arrives first: counter mismatch
        #expect(link.centralEvents.last == .failed(ProtocolError(.decryptionFailed)))
    }

    @Test func tamperedCiphertextIsRejected() throws {
        var link = try Self.authenticatedLink()
        link.tamper = { delivery in
            if case .notification(var bytes) = delivery { bytes[bytes.count - 1] ^= 0x01; return .notification(bytes) }
            return delivery
        }
        try link.report(.associating)
        #expect(link.centralEvents.last == .failed(ProtocolError(.decryptionFailed)))
    }

    @Test func truncatedSealedRecordIsRejected() throws {
        var link = try Self.authenticatedLink()
        // A well-framed sealed record whose ciphertext was cut short.
        let record = try Record.sealed(Array(repeating: 0x55, count: 20)).encoded()
        link.inject(notification: try Fragmenter.fragments(of: record, mtu: 185)[0])
        #expect(link.centralEvents.last == .failed(ProtocolError(.decryptionFailed)))
    }

    @Test func replayedWriteToThePrinterIsRejected() throws {
        var link = try Link(mtu: 185)
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin))
        try link.send(.identify(.beep))
        let lastWrite = link.frames.last { $0.direction == .centralToPrinter }!.bytes
        link.inject(write: lastWrite)
        #expect(link.printerEvents.last == .failed(ProtocolError(.decryptionFailed)))
        #expect(link.disconnected == true)
        #expect(!link.setup.isBusy)
    }

    @Test func tamperedClientHelloFailsConfirmation() throws {
        var link = try Link(mtu: 517)
        let pin = link.showPIN()
        link.tamper = { delivery in
            // Flip one octet of the client id (offset 3 header + 1 type + 4 versions + 19 sid + 3 = 30).
            if case .toPrinter(var bytes, let response) = delivery, bytes.count > 40, bytes[3] == Record.TypeCode.clientHello {
                bytes[31] ^= 0xFF
                return .toPrinter(bytes, withResponse: response)
            }
            return delivery
        }
        try link.startHandshake(.pin(pin), firstRequest: .setCredentials(try Fixtures.credentials()))
        #expect(link.centralEvents == [.authenticationFailed(attemptsLeft: 2)])
        #expect(!link.printerEvents.contains(.authenticated))
    }

    @Test func strippedVersionOfferIsDetectedAsDowngrade() throws {
        // The client offers [1, 9]; an attacker rewrites the offer to [1].
        var link = try Link(mtu: 517, offeredVersions: [1, 9])
        let pin = link.showPIN()
        link.tamper = { delivery in
            guard case .toPrinter(let bytes, let response) = delivery, bytes.count > 4, bytes[3] == Record.TypeCode.clientHello,
                  case .clientHello(let hello)? = try? Record.decode(Array(bytes[3...])) else { return delivery }
            let forged = try! Record.clientHello(ClientHello(offeredVersions: [1], sessionID: hello.sessionID, clientID: hello.clientID, share: hello.share)).encoded()
            return .toPrinter(try! Fragmenter.fragments(of: forged, mtu: 517)[0], withResponse: response)
        }
        try link.startHandshake(.pin(pin))
        #expect(link.centralEvents == [.authenticationFailed(attemptsLeft: 2)])
    }

    @Test func lowOrderShareIsRejected() throws {
        var link = try Link(mtu: 517)
        _ = link.showPIN()
        let hello = try ClientHello(offeredVersions: [1], sessionID: Array(repeating: 1, count: 16), clientID: Array(repeating: 2, count: 16), share: Array(repeating: 0, count: 32))
        link.inject(write: try Fragmenter.fragments(of: try Record.clientHello(hello).encoded(), mtu: 517)[0])
        let reply = try Record.decode(Array(Self.lastNotification(link)[3...]))
        #expect(reply == .error(ErrorReport(code: .authenticationFailed)))
        #expect(!link.setup.isBusy)
        if case .pin(let active) = link.setup.credential { #expect(active.attemptsLeft == 3) } else { Issue.record("no PIN") }
    }

    @Test func invalidCredentialsInsideTheChannelKeepTheSession() throws {
        var link = try Link(mtu: 185)
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin))
        // Seal a SetCredentials with a 33-octet SSID by hand, bypassing the client's validation:
        // as the client, with its keys (it has sealed nothing yet, so its next counter is 0).
        let keys = link.central.keyLogEntry
        var clientChannel = try #require(keys).printerToClientOpener()
        let bad: [UInt8] = [0x24, 0x81, 0, 33] + Array(repeating: 0x41, count: 33) + [0x82, 0, 1, 0]
        let sealed = try clientChannel.seal(bad, recordType: Record.TypeCode.sealed)
        let fragment = try Fragmenter.fragments(of: try Record.sealed(sealed).encoded(), mtu: 185)[0]
        let actions = link.printer.receiveWrite(fragment, mtu: 185, withResponse: true, now: link.now, setup: &link.setup, random: &link.printerRandom)
        #expect(actions.first == .respondToWrite(success: true))
        #expect(!actions.contains(.disconnect))
        #expect(link.printer.isAuthenticated == true)
        guard case .notify(let fragments)? = actions.first(where: { if case .notify = $0 { true } else { false } }) else {
            Issue.record("no reply"); return
        }
        // The reply opens on the client's channel as Error(invalidField).
        let record = try Record.decode(Array(fragments[0][3...]))
        guard case .sealed(let ciphertext) = record else { Issue.record("not sealed"); return }
        let reply = try ApplicationMessage.decode(try clientChannel.open(ciphertext, recordType: Record.TypeCode.sealed))
        #expect(reply == .error(ErrorReport(code: .invalidField)))
    }

    /// A client-bound message type from the client is a protocol violation: fatal (SPEC §8 "Wrong direction").
    @Test func wrongDirectionMessageEndsTheSession() throws {
        var link = try Link(mtu: 185)
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin))
        // As the client, with its keys (it has sealed nothing yet, so its next counter is 0).
        let keys = link.central.keyLogEntry
        var clientChannel = try #require(keys).printerToClientOpener()
        let sealed = try clientChannel.seal(try ApplicationMessage.joinStatus(.received).encoded(), recordType: Record.TypeCode.sealed)
        link.inject(write: try Fragmenter.fragments(of: try Record.sealed(sealed).encoded(), mtu: 185)[0])
        #expect(link.printerEvents.last == .failed(ProtocolError(.unexpectedMessage)))
        #expect(link.disconnected == true)
    }

    @Test func unexpectedRecordsEndTheSession() throws {
        var link = try Link(mtu: 185)
        _ = link.showPIN()
        link.inject(write: try Fragmenter.fragments(of: try Record.sealed(Array(repeating: 1, count: 20)).encoded(), mtu: 185)[0])
        #expect(link.printerEvents.last == .failed(ProtocolError(.unexpectedMessage)))
        #expect(link.disconnected == true)
    }

    @Test func aFailedWriteEndsTheCentralSession() throws {
        var link = try Link(mtu: 185)
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin))
        _ = try link.central.send(.deviceInfo, now: link.now)
        let actions = link.central.writeFailed(now: link.now)
        #expect(actions.contains(.event(.failed(ProtocolError(.writeFailed)))))
        #expect(actions.contains(.disconnect))
        #expect(link.central.isClosed == true)
        #expect(link.central.writeFailed(now: link.now).isEmpty)
        #expect(throws: ProtocolError(.requestNotAllowed)) { try link.central.send(.scan, now: link.now) }
    }

    @Test func framingErrorsEndTheSessionWithAnATTError() throws {
        var setup = PrinterSetupState(authMethod: .displayedPIN)
        var printer = PrinterSession(configuration: PrinterConfiguration(deviceInfo: try Fixtures.deviceInfo(), shortID: ShortID(1)), setup: &setup, now: MonotonicInstant(milliseconds: 0))
        var random = SeededRandom(seed: 1)
        let actions = printer.receiveWrite([0x01, 0x00], mtu: 23, withResponse: true, now: MonotonicInstant(milliseconds: 0), setup: &setup, random: &random)
        #expect(actions.first == .respondToWrite(success: false))
        #expect(actions.contains(.event(.failed(ProtocolError(.missingFirstFragment)))))
        #expect(actions.contains(.disconnect))
        #expect(printer.isClosed == true)
    }
}

/// Every timeout is enforced by the machines (SPEC §12).
@Suite struct TimeoutTests {
    @Test func printerClosesAnIdleConnectionWithoutClientHello() throws {
        var link = try Link(mtu: 23)
        #expect(link.printer.nextDeadline == link.now.adding(seconds: 30))
        link.printerTimer = link.printer.nextDeadline
        link.advance(seconds: 30)
        #expect(link.printerEvents == [.failed(ProtocolError(.timedOut))])
        #expect(link.disconnected == true)
    }

    @Test func centralGivesUpWithoutServerHello() throws {
        var link = try Link(mtu: 23)
        _ = link.showPIN()
        link.tamper = { delivery in if case .notification = delivery { return nil } else { return delivery } }
        try link.startHandshake(.pin(try #require(link.setup.currentPIN)))
        #expect(link.centralTimer == link.now.adding(seconds: 15))
        link.advance(seconds: 14)
        #expect(link.centralEvents.isEmpty)
        link.advance(seconds: 1)
        #expect(link.centralEvents == [.failed(ProtocolError(.timedOut))])
    }

    @Test func printerReportsAJoinTimeoutItself() throws {
        var link = try AdversarialTests.authenticatedLink()
        link.advance(seconds: 90)
        #expect(link.centralEvents.last == .joinStatus(.failed(.timedOut)))
        #expect(link.disconnected == false)
    }

    @Test func printerAnswersAMissingScanWithAnError() throws {
        var link = try Link(mtu: 185)
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin), firstRequest: .scan)
        link.advance(seconds: 25)
        #expect(link.centralEvents.last == .requestFailed(ErrorReport(code: .timedOut)))
    }

    @Test func authenticatedIdleSessionCloses() throws {
        var link = try Link(mtu: 185)
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin))
        link.advance(seconds: 120)
        #expect(link.printerEvents.last == .failed(ProtocolError(.timedOut)))
        #expect(link.disconnected == true)
    }

    @Test func printerTimesOutWaitingForClientFinishAndCountsTheAttempt() throws {
        var link = try Link(mtu: 185)
        let pin = link.showPIN()
        link.dropClientFinish()
        try link.startHandshake(.pin(pin))
        link.advance(seconds: 30)
        #expect(link.printerEvents.contains(.authenticationFailed(attemptsLeft: 2)))
        #expect(link.printerEvents.last == .failed(ProtocolError(.timedOut)))
    }

    @Test func incompleteMessageTimesOut() throws {
        var link = try Link(mtu: 23)
        _ = link.showPIN()
        let fragments = try Fragmenter.fragments(of: Array(repeating: 1, count: 60), mtu: 23)
        link.inject(write: fragments[0], withResponse: false)
        #expect(link.printerTimer == link.now.adding(seconds: 10))
        link.advance(seconds: 10)
        #expect(link.printerEvents.last == .failed(ProtocolError(.timedOut)))
    }
}
