import SetupCentral
import SetupLink
import SetupPrinter
import SetupProtocol
import Testing
import TestSupport

/// Both session drivers talking through an in-memory link.
@Suite struct DriverTests {
    struct Pair {
        let printer: EmulatedPrinter
        let connection: LoopbackConnection
        let central: CentralDriver
    }

    func connect(mtu: Int, auth: AuthMethod = .displayedPIN) async throws -> Pair {
        let printer = try await makePrinter(auth: auth)
        let connection = LoopbackConnection(mtu: mtu, info: printer.infoValue())
        Task { await printer.serve(connection.printer) }
        let configuration = try CentralConfiguration(advertisement: await printer.currentAdvertisement(), clientID: Array(repeating: 7, count: 16))
        let central = try await CentralDriver.open(link: connection.central, configuration: configuration)
        return Pair(printer: printer, connection: connection, central: central)
    }

    /// Reads events until `stop` says so; returns them all.
    func events(_ driver: CentralDriver, until stop: (CentralEvent) -> Bool) async throws -> [CentralEvent] {
        var seen: [CentralEvent] = []
        while true {
            let event = try await driver.nextEvent(within: eventDeadline)
            seen.append(event)
            if stop(event) { return seen }
        }
    }

    @Test(arguments: [23, 247])
    func credentialsAreAcceptedInThreeRoundTripsWithTheCCCWriteAndTheJoinCompletes(mtu: Int) async throws {
        let pair = try await connect(mtu: mtu)
        let pin = try #require(pair.printer.presentedPIN)
        try await pair.central.startHandshake(.pin(pin), firstRequest: .setCredentials(try credentials()))
        let seen = try await events(pair.central) { if case .joinStatus(let status) = $0 { return status.isFinal } else { return false } }
        #expect(seen.first == .authenticated)
        let address = try IPv4Interface(address: IPv4Address(192, 168, 1, 57), prefixLength: 24)
        #expect(seen.last == .joinStatus(.connected(address)))
        let statistics = await pair.central.statistics
        #expect(statistics.roundTrips == 3)
        #expect(mtu == 23 ? statistics.writeCommands == 9 : statistics.writeCommands == 0)
        #expect(pair.printer.isProvisioned)
        await pair.central.close()
    }

    @Test func wrongPINThenTheRightPINOnTheSameConnection() async throws {
        let pair = try await connect(mtu: 23)
        let pin = try #require(pair.printer.presentedPIN)
        try await pair.central.startHandshake(.pin(wrongPIN(not: pin)))
        #expect(try await pair.central.nextEvent(within: eventDeadline) == .authenticationFailed(attemptsLeft: 2))
        try await pair.central.startHandshake(.pin(pin), firstRequest: .identify(.blink))
        #expect(try await pair.central.nextEvent(within: eventDeadline) == .authenticated)
        #expect(try await pair.central.nextEvent(within: eventDeadline) == .identified)
        await pair.central.close()
    }

    @Test func threeWrongPINsLockOutAndRotateThePIN() async throws {
        let pair = try await connect(mtu: 247)
        let pin = try #require(pair.printer.presentedPIN)
        let wrong = wrongPIN(not: pin)
        for left in [UInt8(2), 1] {
            try await pair.central.startHandshake(.pin(wrong))
            #expect(try await pair.central.nextEvent(within: eventDeadline) == .authenticationFailed(attemptsLeft: left))
        }
        try await pair.central.startHandshake(.pin(wrong))
        let event = try await pair.central.nextEvent(within: eventDeadline)
        guard case .attemptRefused(let report) = event else { Issue.record("expected a refusal, got \(event)"); return }
        #expect(report.code == .lockedOut)
        #expect(report.retryAfterSeconds == 30)
        let rotated = try #require(pair.printer.presentedPIN)
        #expect(rotated != pin)
        // Even the new PIN is refused during the lock-out.
        try await pair.central.startHandshake(.pin(rotated))
        let refused = try await pair.central.nextEvent(within: eventDeadline)
        guard case .attemptRefused(let again) = refused else { Issue.record("expected a refusal, got \(refused)"); return }
        #expect(again.code == .lockedOut)
        await pair.central.close()
    }

    @Test func wrongPassphraseThenCorrectedInTheSameSession() async throws {
        let pair = try await connect(mtu: 23)
        let pin = try #require(pair.printer.presentedPIN)
        try await pair.central.startHandshake(.pin(pin), firstRequest: .setCredentials(try credentials(passphrase: "wrong passphrase")))
        let first = try await events(pair.central) { if case .joinStatus(let status) = $0 { return status.isFinal } else { return false } }
        #expect(first.last == .joinStatus(.failed(.wrongPassphrase)))
        try await pair.central.send(.setCredentials(try credentials()))
        let second = try await events(pair.central) { if case .joinStatus(let status) = $0 { return status.isFinal } else { return false } }
        guard case .joinStatus(.connected) = second.last else { Issue.record("expected connected, got \(second)"); return }
        #expect(await pair.central.statistics.roundTrips == 4)  // the CCC write + 3 protocol round trips
        await pair.central.close()
    }

    @Test func buttonModeAuthenticatesWithoutAPIN() async throws {
        let pair = try await connect(mtu: 247, auth: .button)
        try await pair.central.startHandshake(.button, firstRequest: .deviceInfo)
        #expect(try await pair.central.nextEvent(within: eventDeadline) == .authenticated)
        let event = try await pair.central.nextEvent(within: eventDeadline)
        guard case .deviceInfo(let info) = event else { Issue.record("expected device info, got \(event)"); return }
        #expect(info.serial == "EMU-3F0A")
        await pair.central.close()
    }

    @Test func linkLostMidJoinEndsTheSessionWithDisconnected() async throws {
        let pair = try await connect(mtu: 247)
        let pin = try #require(pair.printer.presentedPIN)
        try await pair.central.startHandshake(.pin(pin), firstRequest: .setCredentials(try credentials(ssid: "Slow", passphrase: "slow access point")))
        #expect(try await pair.central.nextEvent(within: eventDeadline) == .authenticated)
        #expect(try await pair.central.nextEvent(within: eventDeadline) == .joinStatus(.received))
        await pair.connection.sever()
        var last = try await pair.central.nextEvent(within: eventDeadline)
        while case .joinStatus = last { last = try await pair.central.nextEvent(within: eventDeadline) }
        #expect(last == .failed(ProtocolError(.disconnected)))
        await #expect(throws: ProtocolError(.disconnected)) { try await pair.central.nextEvent(within: eventDeadline) }
        #expect(await pair.printer.driver.connectionCount == 0)
    }

    @Test func waitingWithNothingPendingTimesOut() async throws {
        let pair = try await connect(mtu: 247)
        await #expect(throws: ProtocolError(.timedOut)) { try await pair.central.nextEvent(within: .milliseconds(50)) }
        await pair.central.close()
    }

    @Test func infoIsReadableBeforeAuthentication() async throws {
        let printer = try await makePrinter()
        let connection = LoopbackConnection(mtu: 23, info: printer.infoValue())
        let info = try PublicInfo(decoding: try await connection.central.readInfo())
        #expect(info.shortID == ShortID(0x3F0A))
        #expect(info.authMethod == .displayedPIN)
    }
}
