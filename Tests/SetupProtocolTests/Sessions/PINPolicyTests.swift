import Testing
@testable import SetupProtocol

/// Wrong PINs, lock-out, expiry (SPEC §11).
@Suite struct PINPolicyTests {
    static func wrongPIN(than pin: SetupPIN) throws -> SetupPIN {
        let candidate = try SetupPIN(validating: "12345670")
        return candidate == pin ? try SetupPIN(validating: "00000000") : candidate
    }

    @Test func wrongPINThenRightPINInTheSameConnection() throws {
        var link = try Link(mtu: 23)
        let pin = link.showPIN()
        try link.startHandshake(.pin(try Self.wrongPIN(than: pin)), firstRequest: .setCredentials(try Fixtures.credentials()))
        #expect(link.centralEvents == [.authenticationFailed(attemptsLeft: 2)])
        #expect(link.printerEvents == [.authenticationFailed(attemptsLeft: 2)])
        #expect(!link.setup.isBusy)
        // No credentials left the client.
        #expect(!link.printerEvents.contains { if case .joinRequested = $0 { true } else { false } })

        try link.startHandshake(.pin(pin), firstRequest: .setCredentials(try Fixtures.credentials()))
        #expect(link.centralEvents.suffix(2) == [.authenticated, .joinStatus(.received)])
        #expect(link.roundTrips == 4)
        // Success resets the attempts.
        if case .pin(let active) = link.setup.credential { #expect(active.attemptsLeft == 3) } else { Issue.record("no PIN") }
    }

    @Test func threeWrongAttemptsRotateThePINAndLockOut() throws {
        var link = try Link(mtu: 185)
        let pin = link.showPIN()
        let wrong = try Self.wrongPIN(than: pin)
        for _ in 0..<3 { try link.startHandshake(.pin(wrong)) }
        #expect(link.centralEvents == [
            .authenticationFailed(attemptsLeft: 2), .authenticationFailed(attemptsLeft: 1),
            .attemptRefused(ErrorReport(code: .lockedOut, attemptsLeft: 0, retryAfterSeconds: 30)),
        ])
        #expect(link.printerEvents.suffix(2) == [.authenticationFailed(attemptsLeft: 0), .pinRotated])
        let rotated = try #require(link.setup.currentPIN)
        #expect(rotated != pin)

        // The old PIN is dead; the new one is refused during the lock-out...
        try link.startHandshake(.pin(rotated))
        #expect(link.centralEvents.last == .attemptRefused(ErrorReport(code: .lockedOut, retryAfterSeconds: 30)))
        // ...and accepted after it.
        link.now = link.now.adding(seconds: 30)
        try link.startHandshake(.pin(rotated))
        #expect(link.centralEvents.last == .authenticated)
    }

    @Test func aClientThatDisconnectsAfterServerHelloSpendsTheAttempt() throws {
        var link = try Link(mtu: 185)
        let pin = link.showPIN()
        link.dropClientFinish()
        try link.startHandshake(.pin(pin))
        link.disconnect()
        #expect(link.printerEvents.contains(.authenticationFailed(attemptsLeft: 2)))
        if case .pin(let active) = link.setup.credential { #expect(active.attemptsLeft == 2) } else { Issue.record("no PIN") }
        #expect(!link.setup.isBusy)
    }

    @Test func thePINExpires120SecondsAfterItWasShown() throws {
        var link = try Link(mtu: 23)
        let pin = link.showPIN()
        #expect(link.setup.nextDeadline == link.now.adding(seconds: 120))
        link.now = link.now.adding(seconds: 119)
        let early = link.setup.expire(now: link.now)
        #expect(!early)
        link.now = link.now.adding(seconds: 1)
        // The printer's own expiry timer (a time event) ends the PIN...
        let expired = link.setup.expire(now: link.now)
        #expect(expired)
        #expect(link.setup.currentPIN == nil)
        try link.startHandshake(.pin(pin))
        #expect(link.centralEvents == [.attemptRefused(ErrorReport(code: .noActivePIN))])
    }

    @Test func anExpiredPINIsRefusedAtClientHello() throws {
        var link = try Link(mtu: 23)
        let pin = link.showPIN()
        link.now = link.now.adding(seconds: 121)
        try link.startHandshake(.pin(pin))
        #expect(link.centralEvents == [.attemptRefused(ErrorReport(code: .pinExpired))])
        #expect(link.printerEvents == [.pinExpired])
        // A fresh PIN works on the same connection.
        let fresh = link.showPIN()
        try link.startHandshake(.pin(fresh))
        #expect(link.centralEvents.last == .authenticated)
    }

    @Test func noPINShownYet() throws {
        var link = try Link(mtu: 23)
        try link.startHandshake(.pin(try SetupPIN(validating: "12345670")))
        #expect(link.centralEvents == [.attemptRefused(ErrorReport(code: .noActivePIN))])
    }
}
