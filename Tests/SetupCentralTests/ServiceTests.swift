import SetupCentral
import SetupPrinter
import SetupProtocol
import Synchronization
import Testing
import TestSupport

/// The service over the in-memory radio with emulated printers: the same code paths the CLI
/// uses, without BlueZ.
@Suite struct ServiceTests {
    func service(_ radio: LoopbackRadio) -> SmartSetup {
        var options = SmartSetup.Options()
        options.scanTimeout = .milliseconds(200)
        return SmartSetup(radio: radio, options: options)
    }

    func radio(with printers: [EmulatedPrinter], mtu: Int = 247) async -> LoopbackRadio {
        let radio = LoopbackRadio(mtu: mtu)
        for (index, printer) in printers.enumerated() {
            await radio.attach(printer, address: "02:00:00:00:00:\(String(index + 10))")
        }
        return radio
    }

    func pinTarget(_ printer: EmulatedPrinter, selector: String? = nil) throws -> PrinterTarget {
        PrinterTarget(selector: selector.map(PrinterSelector.init), authentication: .pin(try #require(printer.presentedPIN)))
    }

    @Test(arguments: [23, 247])
    func pairsAndReportsTheAddressAndTwoRoundTrips(mtu: Int) async throws {
        let printer = try await makePrinter()
        let events = Mutex<[SetupProgress]>([])
        let result = try await service(await radio(with: [printer], mtu: mtu)).pair(
            PairRequest(target: try pinTarget(printer), credentials: try credentials())) { event in events.withLock { $0.append(event) } }
        #expect(result.address.description == "192.168.1.57/24")
        #expect(result.mtu == mtu)
        #expect(result.untilAccepted.roundTrips == 3)
        #expect(result.untilAccepted.operations == (mtu == 23 ? 18 : 4))
        #expect(events.withLock { $0.contains { if case .credentialsAccepted(3) = $0 { true } else { false } } })
    }

    @Test func wrongPINThenRightPINWhenAsked() async throws {
        let printer = try await makePrinter()
        let pin = try #require(printer.presentedPIN)
        let asked = Mutex<[UInt8?]>([])
        let target = PrinterTarget(authentication: .ask { left in
            let count = asked.withLock { $0.append(left); return $0.count }
            return count == 1 ? wrongPIN(not: pin) : pin
        })
        let result = try await service(await radio(with: [printer])).pair(PairRequest(target: target, credentials: try credentials()))
        #expect(result.address.description == "192.168.1.57/24")
        #expect(asked.withLock { $0 } == [nil, 2])
    }

    @Test func aWrongPINGivenUpFrontIsAWrongPINError() async throws {
        let printer = try await makePrinter()
        let target = PrinterTarget(authentication: .pin(wrongPIN(not: printer.presentedPIN)))
        let error = await #expect(throws: SetupError.self) {
            try await service(await radio(with: [printer])).pair(PairRequest(target: target, credentials: try credentials()))
        }
        #expect(error?.kind == .wrongPIN(attemptsLeft: 2))
        #expect(error?.exitCode == 14)
    }

    @Test func threeWrongPINsLockOut() async throws {
        let printer = try await makePrinter()
        let wrong = wrongPIN(not: printer.presentedPIN)
        let target = PrinterTarget(authentication: .ask { _ in wrong })
        let error = await #expect(throws: SetupError.self) {
            try await service(await radio(with: [printer])).pair(PairRequest(target: target, credentials: try credentials()))
        }
        #expect(error?.kind == .pinLockedOut(retryAfterSeconds: 30))
        #expect(error?.exitCode == 15)
    }

    @Test func buttonMode() async throws {
        let printer = try await makePrinter(auth: .button)
        let result = try await service(await radio(with: [printer])).pair(
            PairRequest(target: PrinterTarget(authentication: .button), credentials: try credentials()))
        #expect(result.address.description == "192.168.1.57/24")
    }

    @Test func aPINForAButtonPrinterIsAUsageError() async throws {
        let printer = try await makePrinter(auth: .button)
        let error = await #expect(throws: SetupError.self) {
            try await service(await radio(with: [printer])).pair(
                PairRequest(target: PrinterTarget(authentication: .pin(wrongPIN(not: nil))), credentials: try credentials()))
        }
        #expect(error?.kind == .usage)
    }

    @Test func wrongPassphraseThenCorrected() async throws {
        let printer = try await makePrinter()
        let request = PairRequest(
            target: try pinTarget(printer), credentials: try credentials(passphrase: "not the passphrase"),
            correctedPassphrase: { try? WiFiPassphrase("correct horse battery") })
        let result = try await service(await radio(with: [printer])).pair(request)
        #expect(result.address.description == "192.168.1.57/24")
        #expect(result.total.roundTrips == 4)  // the CCC write + 3 protocol round trips
    }

    @Test func wrongPassphraseWithoutCorrectionIsWiFiAuthFailed() async throws {
        let printer = try await makePrinter()
        let error = await #expect(throws: SetupError.self) {
            try await service(await radio(with: [printer])).pair(
                PairRequest(target: try pinTarget(printer), credentials: try credentials(passphrase: "not the passphrase")))
        }
        #expect(error?.kind == .wifiAuthenticationFailed)
        #expect(error?.exitCode == 17)
    }

    @Test(arguments: [("Nowhere", SetupError.Kind.networkNotFound, Int32(18)), ("NoDHCP", .noAddress, 19)])
    func joinFailuresMapToTheirErrors(ssid: String, kind: SetupError.Kind, exitCode: Int32) async throws {
        let printer = try await makePrinter()
        let passphrase = ssid == "NoDHCP" ? "no dhcp here" : "whatever passphrase"
        let error = await #expect(throws: SetupError.self) {
            try await service(await radio(with: [printer])).pair(
                PairRequest(target: try pinTarget(printer), credentials: try credentials(ssid: ssid, passphrase: passphrase)))
        }
        #expect(error?.kind == kind)
        #expect(error?.exitCode == exitCode)
    }

    @Test func staticIPOnANetworkWithoutDHCP() async throws {
        let printer = try await makePrinter()
        let address = try IPv4Interface(address: IPv4Address(10, 1, 2, 3), prefixLength: 24)
        let staticIPv4 = try StaticIPv4(interface: address, gateway: IPv4Address(10, 1, 2, 1), dnsServers: [IPv4Address(10, 1, 2, 1)])
        let result = try await service(await radio(with: [printer])).pair(
            PairRequest(target: try pinTarget(printer), credentials: try credentials(ssid: "StaticOnly", passphrase: "static only net", staticIPv4: staticIPv4)))
        #expect(result.address == address)
    }

    @Test func twoPrintersOnePickedByShortID() async throws {
        let first = try await makePrinter(0x1111)
        let second = try await makePrinter(0x2222)
        let radio = await radio(with: [first, second])
        let result = try await service(radio).pair(PairRequest(target: try pinTarget(second, selector: "2222"), credentials: try credentials()))
        #expect(result.printer.shortID == "2222")
        #expect(second.isProvisioned)
        #expect(!first.isProvisioned)
    }

    @Test func twoPrintersAndNoChoiceIsAnError() async throws {
        let radio = await radio(with: [try await makePrinter(0x1111), try await makePrinter(0x2222)])
        let error = await #expect(throws: SetupError.self) {
            try await service(radio).pair(PairRequest(target: PrinterTarget(authentication: .button), credentials: try credentials()))
        }
        #expect(error?.kind == .severalPrinters(["1111", "2222"]))
        #expect(error?.exitCode == 13)
    }

    @Test func noPrinterIsAnError() async throws {
        let error = await #expect(throws: SetupError.self) {
            try await service(await radio(with: [])).scanThenPick()
        }
        #expect(error?.kind == .noPrinterFound)
        #expect(error?.exitCode == 12)
    }

    @Test func eightPrintersInParallelFromOneProcess() async throws {
        var printers: [EmulatedPrinter] = []
        for index in 0..<8 { printers.append(try await makePrinter(UInt16(0xA000 + index))) }
        let service = service(await radio(with: printers))
        try await withThrowingTaskGroup(of: String.self) { group in
            for printer in printers {
                let target = try pinTarget(printer, selector: printer.configuration.shortID.description)
                group.addTask {
                    try await service.pair(PairRequest(target: target, credentials: try credentials())).printer.shortID
                }
            }
            var paired: Set<String> = []
            for try await id in group { paired.insert(id) }
            #expect(paired.count == 8)
        }
        #expect(printers.allSatisfy { $0.isProvisioned })
    }

    @Test func printerVanishingMidJoinIsPrinterLost() async throws {
        let printer = try await makePrinter()
        let radio = await radio(with: [printer])
        let request = PairRequest(target: try pinTarget(printer), credentials: try credentials(ssid: "Slow", passphrase: "slow access point"))
        let error = await #expect(throws: SetupError.self) {
            try await service(radio).pair(request) { event in
                if case .credentialsAccepted = event { Task { await radio.detach(address: "02:00:00:00:00:10") } }
            }
        }
        #expect(error?.kind == .printerLost)
        #expect(error?.exitCode == 22)
    }

    @Test func scanListsPrintersWithTheirAdvertisement() async throws {
        let printer = try await makePrinter(0xBEEF, auth: .printedPIN)
        let found = try await service(await radio(with: [printer])).scan()
        #expect(found.map(\.shortID) == ["BEEF"])
        #expect(found.first?.advertisement.authMethod == .printedPIN)
        #expect(found.first?.name == "Printer-BEEF")
    }

    @Test func wifiScanIdentifyAndReset() async throws {
        let printer = try await makePrinter()
        let service = service(await radio(with: [printer]))
        let networks = try await service.wifiScan(try pinTarget(printer))
        #expect(networks.map { String(decoding: $0.ssid, as: UTF8.self) } == ["HomeNet", "NoDHCP", "StaticOnly", "Slow"])
        try await service.identify(try pinTarget(printer), action: .beep)
        _ = try await service.pair(PairRequest(target: try pinTarget(printer), credentials: try credentials()))
        #expect(printer.isProvisioned)
        try await service.reset(try pinTarget(printer))
        #expect(!printer.isProvisioned)
    }

    @Test func errorsNeverContainThePassphrase() async throws {
        let printer = try await makePrinter()
        let events = Mutex<[String]>([])
        let error = await #expect(throws: SetupError.self) {
            try await service(await radio(with: [printer])).pair(
                PairRequest(target: try pinTarget(printer), credentials: try credentials(passphrase: "very secret words"))) { event in
                events.withLock { $0.append(String(describing: event)) }
            }
        }
        let text = events.withLock { $0.joined() } + String(describing: error)
        #expect(!text.contains("very secret words"))
        #expect(!text.contains(printer.presentedPIN?.revealedForDisplay() ?? "x"))
    }
}

extension SmartSetup {
    /// Scans and picks like `pair` does, for the no-printer case.
    func scanThenPick() async throws(SetupError) -> DiscoveredPrinter {
        try await select(PrinterTarget(authentication: .button), progress: { _ in })
    }
}
