import Testing
@testable import SetupProtocol

/// Every message encodes and decodes; every field is validated (SPEC §7, §8).
@Suite struct MessageTests {
    static func samples() throws -> [ApplicationMessage] {
        [
            .deviceInfoRequest,
            .deviceInfo(try Fixtures.deviceInfo()),
            .scanRequest,
            .scanResults([
                try ScanResult(ssid: Array("HomeNet".utf8), rssi: -48, security: .wpa2WPA3, channel: 36, band: .ghz5),
                try ScanResult(ssid: [], rssi: -90, security: .open, channel: 1, band: .ghz2_4),
            ]),
            .scanResults([]),
            .setCredentials(try Fixtures.credentials()),
            .setCredentials(try WiFiCredentials(
                ssid: [0x00, 0xFF, 0x41], security: .wpa2PSK,
                passphrase: WiFiPassphrase(String(repeating: "a1", count: 32)), isHidden: true,
                staticIPv4: StaticIPv4(
                    interface: IPv4Interface(address: IPv4Address(10, 0, 0, 9), prefixLength: 24),
                    gateway: IPv4Address(10, 0, 0, 1), dnsServers: [IPv4Address(10, 0, 0, 1), IPv4Address(9, 9, 9, 9)]),
                hostname: "printer-1", disableWPS: true)),
            .setCredentials(try WiFiCredentials(ssid: Array("Cafe".utf8), security: .open, passphrase: nil)),
            .joinStatus(.received), .joinStatus(.associating), .joinStatus(.authenticating), .joinStatus(.obtainingAddress),
            .joinStatus(try Fixtures.connected()), .joinStatus(.failed(.networkNotFound)),
            .identify(.printPINPage),
            .resetNetwork,
            .acknowledge(requestType: ApplicationMessage.TypeCode.identify),
            .error(ErrorReport(code: .authenticationFailed, attemptsLeft: 2)),
            .error(ErrorReport(code: .lockedOut, attemptsLeft: 0, retryAfterSeconds: 30)),
        ]
    }

    @Test func applicationMessagesRoundTrip() throws {
        for message in try Self.samples() {
            #expect(try ApplicationMessage.decode(try message.encoded()) == message)
        }
    }

    @Test func recordsRoundTrip() throws {
        let hello = try ClientHello(offeredVersions: [1], sessionID: Array(0..<16), clientID: Array(16..<32), share: Array(32..<64))
        #expect(try Record.decode(try Record.clientHello(hello).encoded()) == .clientHello(hello))
        let server = try ServerHello(chosenVersion: 1, supportedVersions: [1], printerNonce: Array(0..<16), share: Array(1...32), confirmation: Array(2...33))
        #expect(try Record.decode(try Record.serverHello(server).encoded()) == .serverHello(server))
        let finish = try ClientFinish(confirmation: Array(0..<32), sealedMessage: Array(0..<20))
        #expect(try Record.decode(try Record.clientFinish(finish).encoded()) == .clientFinish(finish))
        let error = ErrorReport(code: .busy)
        #expect(try Record.decode(try Record.error(error).encoded()) == .error(error))
        #expect(try Record.decode(try Record.sealed(Array(0..<17)).encoded()) == .sealed(Array(0..<17)))
    }

    @Test func serverHelloConfirmationMustBeLast() throws {
        let server = try ServerHello(chosenVersion: 1, supportedVersions: [1], printerNonce: Array(0..<16), share: Array(1...32), confirmation: Array(2...33))
        var bytes = try Record.serverHello(server).encoded()
        bytes += [0x06, 0x00, 0x00]  // an ignorable field after the confirmation
        #expect(throws: ProtocolError(.malformedMessage)) { try Record.decode(bytes) }
    }

    @Test func recordDecoderRejectsBadInput() {
        #expect(throws: ProtocolError(.malformedMessage)) { try Record.decode([]) }
        #expect(throws: ProtocolError(.unknownMessageType(0x77))) { try Record.decode([0x77]) }
        #expect(throws: ProtocolError(.malformedMessage)) { try Record.decode([0x10] + Array(repeating: 0, count: 16)) }
        #expect(throws: ProtocolError(.missingField(1))) { try Record.decode([0x01]) }
        #expect(throws: ProtocolError(.invalidField(.sessionID))) {
            try Record.decode([0x01, 0x81, 0, 1, 1, 0x82, 0, 1, 0, 0x83, 0, 16] + Array(repeating: 0, count: 16) + [0x84, 0, 32] + Array(repeating: 0, count: 32))
        }
        #expect(throws: ProtocolError(.messageTooLarge)) { try Record.decode([0x10] + Array(repeating: 0, count: 2048)) }
        #expect(throws: ProtocolError(.unknownMessageType(0x99))) { try ApplicationMessage.decode([0x99]) }
        #expect(throws: ProtocolError(.malformedMessage)) { try ApplicationMessage.decode([]) }
    }

    @Test func credentialValidation() throws {
        let pass = try WiFiPassphrase("12345678")
        #expect(throws: ProtocolError(.invalidField(.ssid))) { try WiFiCredentials(ssid: [], security: .wpa2PSK, passphrase: pass) }
        #expect(throws: ProtocolError(.invalidField(.ssid))) { try WiFiCredentials(ssid: Array(repeating: 0x41, count: 33), security: .wpa2PSK, passphrase: pass) }
        #expect(throws: ProtocolError(.invalidField(.passphrase))) { try WiFiCredentials(ssid: [0x41], security: .open, passphrase: pass) }
        #expect(throws: ProtocolError(.invalidField(.passphrase))) { try WiFiCredentials(ssid: [0x41], security: .wpa3SAE, passphrase: nil) }
        #expect(throws: ProtocolError(.invalidField(.passphrase))) {
            try WiFiCredentials(ssid: [0x41], security: .wpa3SAE, passphrase: WiFiPassphrase(String(repeating: "ab", count: 32)))
        }
        #expect(throws: ProtocolError(.invalidField(.hostname))) { try WiFiCredentials(ssid: [0x41], security: .open, passphrase: nil, hostname: "-bad") }
        #expect(throws: ProtocolError(.invalidField(.hostname))) { try WiFiCredentials(ssid: [0x41], security: .open, passphrase: nil, hostname: "a.b") }
        for bad in ["1234567", String(repeating: "x", count: 64), "tab\there!", String(repeating: "g", count: 64)] {
            #expect(throws: ProtocolError(.invalidField(.passphrase))) { try WiFiPassphrase(bad) }
        }
        #expect(throws: ProtocolError(.invalidField(.passphrase))) { try WiFiPassphrase([0x80, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41]) }
        #expect(throws: ProtocolError(.invalidField(.staticIPv4))) {
            try StaticIPv4(interface: IPv4Interface(address: IPv4Address(1, 2, 3, 4), prefixLength: 0), gateway: IPv4Address(1, 2, 3, 1), dnsServers: [])
        }
        #expect(throws: ProtocolError(.invalidField(.ipv4Address))) { try IPv4Interface(address: IPv4Address(1, 2, 3, 4), prefixLength: 33) }
    }

    @Test func deviceInfoAndScanResultValidation() {
        let mac: [UInt8] = [1, 2, 3, 4, 5, 6]
        #expect(throws: ProtocolError(.invalidField(.model))) { try DeviceInfo(model: "", serial: "s", firmware: "f", macAddress: mac) }
        #expect(throws: ProtocolError(.invalidField(.serial))) { try DeviceInfo(model: "m", serial: String(repeating: "s", count: 65), firmware: "f", macAddress: mac) }
        #expect(throws: ProtocolError(.invalidField(.firmware))) { try DeviceInfo(model: "m", serial: "s", firmware: "", macAddress: mac) }
        #expect(throws: ProtocolError(.invalidField(.macAddress))) { try DeviceInfo(model: "m", serial: "s", firmware: "f", macAddress: [1]) }
        #expect(throws: ProtocolError(.invalidField(.ssid))) { try ScanResult(ssid: Array(repeating: 1, count: 33), rssi: 0, security: .open, channel: 1, band: .ghz5) }
        #expect(throws: ProtocolError(.invalidField(.channel))) { try ScanResult(ssid: [], rssi: 0, security: .open, channel: 0, band: .ghz5) }
        #expect(throws: ProtocolError(.invalidField(.network))) {
            try ApplicationMessage.scanResults(Array(repeating: try ScanResult(ssid: [], rssi: 0, security: .open, channel: 1, band: .ghz5), count: 25)).encoded()
        }
        #expect(MonotonicInstant(milliseconds: 5).adding(milliseconds: 7) == MonotonicInstant(milliseconds: 12))
        #expect(MonotonicInstant(milliseconds: 5).description == "t+5ms")
    }

    @Test func decodedCredentialsAreValidatedToo() throws {
        // SetCredentials with a 7-octet passphrase: type 0x24, ssid "A", security wpa2PSK, passphrase.
        let bytes: [UInt8] = [0x24, 0x81, 0, 1, 0x41, 0x82, 0, 1, 1, 0x83, 0, 7] + Array("1234567".utf8)
        #expect(throws: ProtocolError(.invalidField(.passphrase))) { try ApplicationMessage.decode(bytes) }
        let badSecurity: [UInt8] = [0x24, 0x81, 0, 1, 0x41, 0x82, 0, 1, 9]
        #expect(throws: ProtocolError(.invalidField(.security))) { try ApplicationMessage.decode(badSecurity) }
        let badHidden: [UInt8] = [0x24, 0x81, 0, 1, 0x41, 0x82, 0, 1, 0, 0x84, 0, 1, 2]
        #expect(throws: ProtocolError(.invalidField(.hidden))) { try ApplicationMessage.decode(badHidden) }
        let badStatic: [UInt8] = [0x24, 0x81, 0, 1, 0x41, 0x82, 0, 1, 0, 0x85, 0, 10] + Array(repeating: 1, count: 10)
        #expect(throws: ProtocolError(.invalidField(.staticIPv4))) { try ApplicationMessage.decode(badStatic) }
    }

    @Test func joinStatusFieldCombinationsAreChecked() {
        #expect(throws: ProtocolError(.invalidField(.joinStage))) { try ApplicationMessage.decode([0x25, 0x81, 0, 1, 9]) }
        #expect(throws: ProtocolError(.missingField(3))) { try ApplicationMessage.decode([0x25, 0x81, 0, 1, 5]) }
        #expect(throws: ProtocolError(.missingField(2))) { try ApplicationMessage.decode([0x25, 0x81, 0, 1, 6]) }
        #expect(throws: ProtocolError(.invalidField(.joinReason))) { try ApplicationMessage.decode([0x25, 0x81, 0, 1, 1, 0x82, 0, 1, 1]) }
        #expect(throws: ProtocolError(.invalidField(.joinReason))) { try ApplicationMessage.decode([0x25, 0x81, 0, 1, 6, 0x82, 0, 1, 0]) }
    }

    @Test func descriptionsNeverShowSecrets() throws {
        let credentials = try Fixtures.credentials(passphrase: "SuperSecret123")
        let texts = [
            String(describing: credentials), String(reflecting: credentials.passphrase!),
            String(describing: ProtocolError(.invalidField(.passphrase))),
        ]
        for text in texts { #expect(!text.contains("SuperSecret123")) }
        #expect(throws: ProtocolError(.invalidField(.passphrase))) { try WiFiPassphrase("short") }
    }

    @Test func randomMessagesRoundTrip() throws {
        var random = SeededRandom(seed: 4242)
        for _ in 0..<500 {
            let message = try RandomMessages.make(&random)
            let encoded = try message.encoded()
            #expect(try ApplicationMessage.decode(encoded) == message)
            // Through fragmentation at a random MTU and back.
            let mtu = random.int(23...517)
            var reassembler = Reassembler()
            var result: [UInt8]?
            for fragment in try Fragmenter.fragments(of: encoded, mtu: mtu) {
                result = try reassembler.receive(fragment, mtu: mtu, now: MonotonicInstant(milliseconds: 0))
            }
            #expect(result == encoded)
        }
    }

    @Test func truncatedMessagesAreRejectedNotCrashed() throws {
        for message in try Self.samples() {
            let encoded = try message.encoded()
            for length in 0..<encoded.count {
                let prefix = Array(encoded.prefix(length))
                if let decoded = try? ApplicationMessage.decode(prefix) {
                    // Only a prefix ending on a field boundary may decode, and never to the same message.
                    #expect(decoded != message || prefix == encoded)
                }
            }
        }
    }
}

/// Random valid application messages for property tests.
enum RandomMessages {
    static func make(_ random: inout SeededRandom) throws -> ApplicationMessage {
        func text(_ range: ClosedRange<Int>) -> String {
            String(decoding: (0..<random.int(range)).map { _ in UInt8(random.int(0x21...0x7E)) }, as: UTF8.self)
        }
        switch random.int(0...6) {
        case 0:
            return .deviceInfo(try DeviceInfo(model: text(1...64), serial: text(1...64), firmware: text(1...64), macAddress: random.bytes(count: 6)))
        case 1:
            var results: [ScanResult] = []
            for _ in 0..<random.int(0...ScanResult.maximumCount) {
                results.append(try ScanResult(
                    ssid: random.bytes(count: random.int(0...32)), rssi: Int8(truncatingIfNeeded: random.int(-100...0)),
                    security: WiFiSecurity.allCases[random.int(0...3)], channel: UInt16(random.int(1...233)), band: WiFiBand.allCases[random.int(0...2)]))
            }
            return .scanResults(results)
        case 2:
            let security = WiFiSecurity.allCases[random.int(0...3)]
            let passphrase = security == .open ? nil : try WiFiPassphrase(text(8...63))
            let staticIPv4 = random.int(0...1) == 0 ? nil : try StaticIPv4(
                interface: IPv4Interface(address: IPv4Address(random.bytes(count: 4)), prefixLength: UInt8(random.int(1...32))),
                gateway: IPv4Address(random.bytes(count: 4)),
                dnsServers: try (0..<random.int(0...3)).map { _ throws(ProtocolError) in try IPv4Address(random.bytes(count: 4)) })
            return .setCredentials(try WiFiCredentials(
                ssid: random.bytes(count: random.int(1...32)), security: security, passphrase: passphrase,
                isHidden: random.int(0...1) == 1, staticIPv4: staticIPv4, hostname: random.int(0...1) == 0 ? nil : "host\(random.int(0...999))",
                disableWPS: random.int(0...1) == 1))
        case 3:
            let statuses: [JoinStatus] = [.received, .associating, .authenticating, .obtainingAddress,
                                          .failed(JoinFailureReason.allCases[random.int(0...5)]),
                                          .connected(try IPv4Interface(address: IPv4Address(random.bytes(count: 4)), prefixLength: UInt8(random.int(0...32))))]
            return .joinStatus(statuses[random.int(0...5)])
        case 4:
            return .identify(IdentifyAction.allCases[random.int(0...2)])
        case 5:
            return .error(ErrorReport(
                code: WireErrorCode.allCases[random.int(0...WireErrorCode.allCases.count - 1)],
                attemptsLeft: random.int(0...1) == 0 ? nil : UInt8(random.int(0...3)),
                retryAfterSeconds: random.int(0...1) == 0 ? nil : UInt16(random.int(0...600))))
        default:
            return [.deviceInfoRequest, .scanRequest, .resetNetwork][random.int(0...2)]
        }
    }
}
