import Testing
@testable import SetupProtocol

/// SPEC §11.3 and §2: guessing is bounded over time, not only per PIN (issue 10 item 6).
@Suite struct GuessingBoundTests {
    /// One failed attempt at `now` (admitted, ServerHello sent, then the tag did not verify).
    static func fail(_ setup: inout PrinterSetupState, now: MonotonicInstant, random: inout SeededRandom) throws -> PrinterSetupState.FailureOutcome {
        let token = setup.newSessionToken()
        _ = try setup.admit(session: token, now: now)
        setup.beginAttempt()
        defer { setup.release(session: token) }
        return setup.attemptFailed(now: now, random: &random)
    }

    @Test func theLockOutDoublesWithEachRotationInARowAndTheSixthEndsSetupMode() throws {
        var setup = PrinterSetupState(authMethod: .displayedPIN)
        var random = SeededRandom(seed: 3)
        var now = MonotonicInstant(milliseconds: 0)
        setup.showNewPIN(now: now, random: &random)
        var lockOuts: [UInt16] = []
        var guesses = 0
        while true {
            let outcome = try Self.fail(&setup, now: now, random: &random)
            guesses += 1
            if case .lockedOut(let seconds) = outcome {
                lockOuts.append(seconds)
                now = now.adding(seconds: UInt64(seconds))
            }
            if outcome == .setupModeEnded { break }
        }
        #expect(lockOuts == [30, 60, 120, 240, 480])
        #expect(guesses == 18)
        #expect(setup.currentPIN == nil)
        #expect(throws: ProtocolError(.noActivePIN)) { try setup.admit(session: setup.newSessionToken(), now: now) }
        // The printer shows no PIN by itself any more; the owner's action starts afresh.
        #expect(setup.renewPIN(now: now, random: &random) == nil)
        #expect(setup.showNewPIN(now: now, random: &random) != nil)
        #expect(setup.failuresInARow == 0)
        #expect(try Self.fail(&setup, now: now, random: &random) == .attemptsLeft(2))
    }

    @Test func anExpiryRenewalKeepsTheFailuresInARow() throws {
        var setup = PrinterSetupState(authMethod: .displayedPIN)
        var random = SeededRandom(seed: 4)
        let now = MonotonicInstant(milliseconds: 0)
        setup.showNewPIN(now: now, random: &random)
        _ = try Self.fail(&setup, now: now, random: &random)
        _ = try Self.fail(&setup, now: now, random: &random)
        let later = now.adding(seconds: ProtocolTimeouts.pinLifetime)
        let expired = setup.expire(now: later)
        #expect(expired)
        let renewed = try #require(setup.renewPIN(now: later, random: &random))
        #expect(setup.currentPIN == renewed)
        // One attempt left before the lock-out, as before the renewal: expiry gives no fresh attempts.
        #expect(try Self.fail(&setup, now: later, random: &random) == .lockedOut(retryAfterSeconds: 30))
    }

    @Test func setupModeEndsAfterItsTimeWithoutTheOwner() throws {
        var setup = PrinterSetupState(authMethod: .displayedPIN)
        var random = SeededRandom(seed: 5)
        let now = MonotonicInstant(milliseconds: 0)
        setup.showNewPIN(now: now, random: &random)
        let end = now.adding(seconds: ProtocolTimeouts.setupMode)
        let expired = setup.expire(now: end)
        #expect(expired)
        #expect(setup.renewPIN(now: end, random: &random) == nil)
        #expect(setup.setupModeEnded)
        #expect(throws: ProtocolError(.noActivePIN)) { try setup.admit(session: setup.newSessionToken(), now: end) }
    }
}
