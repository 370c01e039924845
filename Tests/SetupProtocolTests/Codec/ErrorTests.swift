import Testing
@testable import SetupProtocol

/// ProtocolError and wire codes (SPEC §15).
@Suite struct ErrorTests {
    @Test func everyWireCodeSurvivesTheRoundTripThroughAKind() {
        for code in WireErrorCode.allCases {
            #expect(code.kind.wireCode == code)
        }
    }

    @Test func framingKindsReportFramingError() {
        let kinds: [ProtocolError.Kind] = [.malformedFragment, .fragmentTooLarge, .missingFirstFragment, .unexpectedFirstFragment,
                                           .fragmentOutOfOrder, .fragmentOverflow, .truncatedMessage, .messageTooLarge]
        for kind in kinds { #expect(kind.wireCode == .framingError) }
        #expect(ProtocolError.Kind.invalidField(.passphrase).wireCode == .invalidField)
        #expect(ProtocolError.Kind.invalidShare.wireCode == .authenticationFailed)
        #expect(ProtocolError.Kind.disconnected.wireCode == .internalError)
    }

    @Test func equalityIgnoresTheDetailAndMessagesAreWrittenForAPerson() {
        let plain = ProtocolError(.timedOut)
        let detailed = ProtocolError(.timedOut, detail: "idle")
        #expect(plain == detailed)
        #expect(plain.hashValue == detailed.hashValue)
        #expect(plain.description == "a deadline passed")
        #expect(detailed.description == "a deadline passed: idle")
        // An invalid field is named, with the rule it broke; never a value, never a Swift type.
        #expect(ProtocolError.invalid(.ssid, "must be 1 to 32 octets").message == "the SSID is invalid: must be 1 to 32 octets")
        #expect(throws: ProtocolError(.invalidField(.ssid))) { try WiFiCredentials(ssid: [], security: .open, passphrase: nil) }
        do {
            _ = try WiFiCredentials(ssid: Array(repeating: 0x41, count: 33), security: .open, passphrase: nil)
        } catch {
            #expect(error.message == "the SSID is invalid: must be 1 to 32 octets")
        }
    }

    @Test func noMessageNamesASwiftType() {
        var kinds: [ProtocolError.Kind] = [
            .malformedFragment, .fragmentTooLarge, .missingFirstFragment, .unexpectedFirstFragment, .fragmentOutOfOrder,
            .fragmentOverflow, .truncatedMessage, .messageTooLarge, .malformedMessage, .unknownMessageType(9),
            .unsupportedCriticalField(9), .duplicateField(9), .missingField(9), .unsupportedVersion, .authenticationFailed,
            .invalidShare, .decryptionFailed, .unexpectedMessage, .counterExhausted, .pinExpired, .lockedOut, .busy,
            .buttonNotPressed, .noActivePIN, .timedOut, .disconnected, .writeFailed, .requestNotAllowed, .internalError,
        ]
        kinds += ProtocolField.allCases.map { .invalidField($0) }
        kinds += WireErrorCode.allCases.map { .peerReported($0) }
        for kind in kinds {
            let message = ProtocolError(kind).message
            #expect(!message.isEmpty)
            // Swift spellings: a type prefix, a qualified case, a camel-case identifier.
            #expect(!message.contains("ProtocolError") && !message.contains("SetupProtocol.") && !message.contains("("), "\(message)")
            #expect(message.range(of: #"[a-z][A-Z]"#, options: .regularExpression) == nil, "\(message)")
        }
    }

    @Test func customAttemptLimit() throws {
        var setup = PrinterSetupState(authMethod: .printedPIN, maximumAttempts: 1)
        var random = SeededRandom(seed: 5)
        let now = MonotonicInstant(milliseconds: 0)
        let first = try #require(setup.showNewPIN(now: now, random: &random))
        let token = setup.newSessionToken()
        _ = try setup.admit(session: token, now: now)
        #expect(setup.isBusy)
        setup.beginAttempt()
        #expect(setup.attemptFailed(now: now, random: &random) == .lockedOut(retryAfterSeconds: 30))
        setup.release(session: token)
        #expect(setup.currentPIN != first)
        #expect(throws: ProtocolError(.lockedOut)) { try setup.admit(session: token, now: now.adding(seconds: 29)) }
        #expect(setup.lockoutRemaining(now: now.adding(seconds: 29)) == 1)
        _ = try setup.admit(session: token, now: now.adding(seconds: 30))
        var button = PrinterSetupState(authMethod: .button)
        #expect(button.showNewPIN(now: now, random: &random) == nil)
        #expect(button.nextDeadline == nil)
        button.buttonPressed(now: now)
        #expect(button.nextDeadline == now.adding(seconds: 120))
        let closed = button.expire(now: now.adding(seconds: 120))
        #expect(closed)
    }
}
