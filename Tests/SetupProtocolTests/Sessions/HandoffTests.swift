import Testing
@testable import SetupProtocol

/// Both state machines complete a handoff against each other (SPEC §14 flows).
@Suite struct HandoffTests {
    @Test(arguments: [23, 185, 247, 517])
    func credentialsAcceptedWithinTwoRoundTrips(mtu: Int) throws {
        var link = try Link(mtu: mtu)
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin), firstRequest: .setCredentials(try Fixtures.credentials()))

        #expect(link.centralEvents == [.authenticated, .joinStatus(.received)])
        #expect(link.printerEvents == [.authenticated, .joinRequested(try Fixtures.credentials())])
        #expect(link.roundTrips == 2)
        #expect(link.central.isAuthenticated && link.printer.isAuthenticated)
        #expect(link.setup.isBusy)

        try link.report(.associating)
        try link.report(.authenticating)
        try link.report(.obtainingAddress)
        try link.report(try Fixtures.connected())
        #expect(link.centralEvents.suffix(4) == [
            .joinStatus(.associating), .joinStatus(.authenticating), .joinStatus(.obtainingAddress), .joinStatus(try Fixtures.connected()),
        ])
        #expect(link.roundTrips == 2)
    }

    @Test func notificationsBeforeTheWriteResponseWorkToo() throws {
        var link = try Link(mtu: 23)
        link.responsesAfterNotifications = true
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin), firstRequest: .setCredentials(try Fixtures.credentials()))
        #expect(link.centralEvents == [.authenticated, .joinStatus(.received)])
        #expect(link.roundTrips == 2)
        // ClientFinish went out only after ClientHello's Write Response.
        let requests = link.frames.enumerated().filter { $0.element.operation == "write-request" }.map(\.offset)
        let firstNotification = try #require(link.frames.firstIndex { $0.direction == .printerToCentral })
        #expect(requests[0] < firstNotification)
    }

    @Test func attOperationCountsAtMTU23MatchTheSpec() throws {
        var link = try Link(mtu: 23)
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin), firstRequest: .setCredentials(try Fixtures.credentials()))
        let writes = link.frames.filter { $0.direction == .centralToPrinter }
        let notifications = link.frames.filter { $0.direction == .printerToCentral }
        // ClientHello 78 octets -> 5 fragments; ClientFinish with sealed credentials 94 -> 6.
        #expect(writes.count == 11)
        #expect(writes.filter { $0.operation == "write-command" }.count == 9)
        // ServerHello 98 octets -> 6 fragments; JoinStatus(received) sealed 22 -> 2.
        #expect(notifications.count == 8)
        #expect(link.roundTrips == 2)
    }

    @Test func requestsAfterAuthentication() throws {
        var link = try Link(mtu: 185)
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin))
        #expect(link.centralEvents == [.authenticated])
        #expect(link.roundTrips == 2)

        try link.send(.deviceInfo)
        #expect(link.centralEvents.last == .deviceInfo(try Fixtures.deviceInfo()))

        try link.send(.scan)
        #expect(link.printerEvents.last == .scanRequested)
        let results = [
            try ScanResult(ssid: Array("HomeNet".utf8), rssi: -48, security: .wpa2WPA3, channel: 36, band: .ghz5),
            try ScanResult(ssid: [], rssi: -80, security: .wpa2PSK, channel: 6, band: .ghz2_4),
        ]
        // More than 24 networks: refused to the application, nothing sent, the scan stays pending (SPEC §8.3).
        let tooMany = Array(repeating: results[0], count: ScanResult.maximumCount + 1)
        let framesBefore = link.frames.count
        #expect(throws: ProtocolError(.invalidField(.network))) { try link.sendScanResults(tooMany) }
        #expect(link.frames.count == framesBefore)
        try link.sendScanResults(results)
        #expect(link.centralEvents.last == .scanResults(results))

        try link.send(.identify(.blink))
        #expect(link.printerEvents.last == .identifyRequested(.blink))
        #expect(link.centralEvents.last == .identified)

        try link.send(.resetNetwork)
        #expect(link.printerEvents.contains(.resetRequested))
        #expect(link.centralEvents.last == .resetDone)
        #expect(link.disconnected == true)
        #expect(link.central.isClosed && link.printer.isClosed)
        #expect(!link.setup.isBusy)
    }

    @Test func wrongPassphraseThenCorrectedInTheSameSession() throws {
        var link = try Link(mtu: 23)
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin), firstRequest: .setCredentials(try Fixtures.credentials(passphrase: "wrong passphrase")))
        try link.report(.associating)
        try link.report(.failed(.wrongPassphrase))
        #expect(link.centralEvents.last == .joinStatus(.failed(.wrongPassphrase)))

        try link.send(.setCredentials(try Fixtures.credentials()))
        #expect(link.printerEvents.last == .joinRequested(try Fixtures.credentials()))
        try link.report(try Fixtures.connected())
        #expect(link.centralEvents.last == .joinStatus(try Fixtures.connected()))
        #expect(link.disconnected == false)
    }

    @Test func secondRequestWhileJoiningIsRefusedLocally() throws {
        var link = try Link(mtu: 185)
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin), firstRequest: .setCredentials(try Fixtures.credentials()))
        #expect(throws: ProtocolError(.requestNotAllowed)) { try link.central.send(.scan, now: link.now) }
    }

    @Test func buttonModeAuthenticatesOnlyWhileTheWindowIsOpen() throws {
        var link = try Link(mtu: 23, authMethod: .button)
        try link.startHandshake(.button)
        #expect(link.centralEvents == [.attemptRefused(ErrorReport(code: .buttonNotPressed))])

        link.setup.buttonPressed(now: link.now)
        try link.startHandshake(.button, firstRequest: .setCredentials(try Fixtures.credentials()))
        #expect(link.centralEvents.suffix(2) == [.authenticated, .joinStatus(.received)])
        #expect(link.roundTrips == 3)
        // A success closes the window.
        if case .button(let closesAt) = link.setup.credential { #expect(closesAt == nil) } else { Issue.record("not button mode") }
    }

    @Test func pinAndButtonMustMatchTheAdvertisedMethod() throws {
        var link = try Link(mtu: 23, authMethod: .button)
        #expect(throws: ProtocolError(.requestNotAllowed)) {
            try link.central.startHandshake(authentication: .pin(try SetupPIN(validating: "12345670")), now: link.now, random: &link.centralRandom)
        }
        var pinLink = try Link(mtu: 23)
        #expect(throws: ProtocolError(.requestNotAllowed)) {
            try pinLink.central.startHandshake(authentication: .button, now: pinLink.now, random: &pinLink.centralRandom)
        }
    }

    /// Runs `central`'s ClientHello through `other`, a second connection of the printer;
    /// returns what the printer did with the final Write Request and everything it notified.
    static func hello(
        from central: inout CentralSession, to other: inout PrinterSession, link: inout Link, pin: SetupPIN, mtu: Int
    ) throws -> (response: PrinterAction?, notified: [[UInt8]]) {
        var clientRandom = SeededRandom(seed: 10)
        var random = SeededRandom(seed: 9)
        var response: PrinterAction?
        var notified: [[UInt8]] = []
        for case .write(let operations) in try central.startHandshake(authentication: .pin(pin), now: link.now, random: &clientRandom) {
            for operation in operations {
                let isRequest = if case .request = operation { true } else { false }
                for action in other.receiveWrite(operation.value, mtu: mtu, withResponse: isRequest, now: link.now, setup: &link.setup, random: &random) {
                    switch action {
                    case .notify(let fragments): notified += fragments
                    case .respondToWrite, .refuseWriteBusy: if isRequest { response = action }
                    default: break
                    }
                }
            }
        }
        return (response, notified)
    }

    /// A handshake started on a session the link already ended fails with the reason it ended
    /// (a link lost while the caller was about to start: the fault matrix's adapter removal at
    /// "ClientHello sent" gave `requestNotAllowed`, an internal error, before).
    @Test func aHandshakeAfterTheLinkWasLostFailsAsDisconnected() throws {
        var link = try Link(mtu: 185)
        let pin = link.showPIN()
        _ = link.central.disconnected(now: link.now, reason: "adapter removed")
        #expect(throws: ProtocolError(.disconnected)) {
            try link.central.startHandshake(authentication: .pin(pin), now: link.now, random: &link.centralRandom)
        }
    }

    /// SPEC §11.4: the busy refusal travels in the Write Response only (notifications reach
    /// every subscribed central), and the refused central's session ends the attempt as busy.
    @Test(arguments: [23, 185])
    func aSecondConnectionIsRefusedBusyInTheWriteResponseOnly(mtu: Int) throws {
        var link = try Link(mtu: mtu)
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin), firstRequest: .setCredentials(try Fixtures.credentials()))
        #expect(link.setup.isBusy)

        var other = PrinterSession(configuration: link.printer.configuration, setup: &link.setup, now: link.now)
        var central = CentralSession(configuration: link.central.configuration, mtu: mtu)
        let (response, notified) = try Self.hello(from: &central, to: &other, link: &link, pin: pin, mtu: mtu)
        #expect(response == .refuseWriteBusy)
        #expect(notified.isEmpty)
        #expect(central.writeRefusedBusy(now: link.now).contains(.event(.attemptRefused(ErrorReport(code: .busy)))))
        #expect(central.isClosed == false)
        // No attempt was counted and the first session goes on.
        guard case .pin(let active) = link.setup.credential else { Issue.record("no PIN"); return }
        #expect(active.attemptsLeft == 3)
        try link.report(try Fixtures.connected())
        #expect(link.centralEvents.last == .joinStatus(try Fixtures.connected()))
    }

    /// SPEC §11.4: while a session holds the printer, another connection's failures (here
    /// garbage, then its ClientHello deadline) are not notified; it is disconnected.
    @Test func anotherConnectionsFailuresAreNotNotifiedWhileASessionHoldsThePrinter() throws {
        var link = try Link(mtu: 185)
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin))
        var other = PrinterSession(configuration: link.printer.configuration, setup: &link.setup, now: link.now)
        var random = SeededRandom(seed: 9)
        let actions = other.receiveWrite([0xc0, 0x00, 0x01, 0x99], mtu: 185, withResponse: true, now: link.now, setup: &link.setup, random: &random)
        #expect(!actions.contains { if case .notify = $0 { true } else { false } })
        #expect(actions.contains(.disconnect))
        var idle = PrinterSession(configuration: link.printer.configuration, setup: &link.setup, now: link.now)
        let expired = idle.timerFired(now: link.now.adding(seconds: ProtocolTimeouts.clientHello + 1), setup: &link.setup, random: &random)
        #expect(!expired.contains { if case .notify = $0 { true } else { false } })
        #expect(expired.contains(.disconnect))
        #expect(link.printer.isAuthenticated == true)
    }

    /// SPEC §11.4: a second client sharing the connection (two processes on one adapter) is
    /// refused busy; the authenticated session and the attempts are untouched.
    @Test func aClientHelloOnTheAuthenticatedConnectionIsRefusedBusy() throws {
        var link = try Link(mtu: 185)
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin))
        var stranger = CentralSession(configuration: link.central.configuration, mtu: 185)
        var random = SeededRandom(seed: 11)
        for case .write(let operations) in try stranger.startHandshake(authentication: .pin(pin), now: link.now, random: &random) {
            let actions = link.printer.receiveWrite(operations[0].value, mtu: 185, withResponse: true, now: link.now, setup: &link.setup, random: &link.printerRandom)
            #expect(actions.first == .refuseWriteBusy)
            #expect(!actions.contains { if case .notify = $0 { true } else { false } })
        }
        #expect(link.printer.isAuthenticated == true)
        try link.send(.identify(.blink))
        #expect(link.centralEvents.last == .identified)
    }

    /// SPEC §13.1: a plain Error on Events is never for an authenticated client (its printer
    /// sends it sealed records only), and nothing is for an idle one: both ignore it.
    @Test func plainRecordsFromAnotherConnectionAreIgnored() throws {
        let busy = try Fragmenter.fragments(of: try Record.error(ErrorReport(code: .busy)).encoded(), mtu: 23)
        var idle = try Link(mtu: 23)
        _ = idle.showPIN()
        for fragment in busy { idle.inject(notification: fragment) }
        #expect(idle.centralEvents.isEmpty && !idle.central.isClosed)

        var link = try Link(mtu: 23)
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin), firstRequest: .setCredentials(try Fixtures.credentials()))
        for fragment in busy { link.inject(notification: fragment) }
        #expect(link.central.isAuthenticated == true)
        try link.report(try Fixtures.connected())
        #expect(link.centralEvents == [.authenticated, .joinStatus(.received), .joinStatus(try Fixtures.connected())])
    }
}
