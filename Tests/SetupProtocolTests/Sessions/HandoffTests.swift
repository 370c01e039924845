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
        #expect(link.disconnected)
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
        #expect(!link.disconnected)
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

    @Test func aSecondConnectionIsToldBusy() throws {
        var link = try Link(mtu: 185)
        let pin = link.showPIN()
        try link.startHandshake(.pin(pin))
        #expect(link.setup.isBusy)

        var other = PrinterSession(configuration: link.printer.configuration, setup: &link.setup, now: link.now)
        var random = SeededRandom(seed: 9)
        var central = CentralSession(configuration: link.central.configuration, mtu: 185)
        var clientRandom = SeededRandom(seed: 10)
        let hello = try central.startHandshake(authentication: .pin(pin), now: link.now, random: &clientRandom)
        var notified: [[UInt8]] = []
        for case .write(let operations) in hello {
            for operation in operations {
                let isRequest = if case .request = operation { true } else { false }
                for case .notify(let fragments) in other.receiveWrite(operation.value, mtu: 185, withResponse: isRequest, now: link.now, setup: &link.setup, random: &random) {
                    notified += fragments
                }
            }
        }
        var events: [CentralEvent] = []
        for fragment in notified {
            for case .event(let event) in central.receiveNotification(fragment, now: link.now) { events.append(event) }
        }
        #expect(events == [.attemptRefused(ErrorReport(code: .busy))])
    }
}
