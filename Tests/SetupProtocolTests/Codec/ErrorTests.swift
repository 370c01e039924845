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

    @Test func equalityIgnoresTheDetailAndDescriptionsNameOnlyTheKind() {
        let plain = ProtocolError(.timedOut)
        let detailed = ProtocolError(.timedOut, detail: "idle")
        #expect(plain == detailed)
        #expect(plain.hashValue == detailed.hashValue)
        #expect(plain.description == "ProtocolError(timedOut)")
        #expect(detailed.description == "ProtocolError(timedOut): idle")
        #expect(ProtocolError(.invalidField(.passphrase)).description == "ProtocolError(invalidField(SetupProtocol.ProtocolField.passphrase))")
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
