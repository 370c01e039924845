import SetupCentral
import SetupLink
import SetupPrinter
import SetupProtocol
import Synchronization
import Testing
import TestSupport

/// What a connection starts ends with it, on both sides, and what the printer's application is
/// told arrives complete and in order.
@Suite struct ConnectionLifetimeTests {
    /// A printer application that records what it is told.
    final class RecordingApplication: PrinterApplication {
        let told = Mutex<[String]>([])
        let pin = Mutex<SetupPIN?>(nil)

        func present(_ credential: PresentedCredential) async {
            if case .pin(let shown, _, _) = credential { pin.withLock { $0 = shown } }
            record("present")
        }
        func scanNetworks() async -> [ScanResult] { [] }
        func join(_ credentials: WiFiCredentials, progress: @escaping @Sendable (JoinStatus) async -> Void) async {
            record("join")
        }
        func identify(_ action: IdentifyAction) async { record("identify") }
        func resetNetwork() async { record("reset") }
        func sessionEvent(_ event: PrinterEvent) async {
            switch event {
            case .authenticationFailed(let left): record("wrong PIN, \(left) left")
            case .failed(let error): record("failed: \(error.kind)")
            case .authenticated: record("authenticated")
            default: record("event")
            }
        }
        func busyChanged(_ isBusy: Bool) async { record("busy \(isBusy)") }
        private func record(_ line: String) { told.withLock { $0.append(line) } }
    }

    /// A central driver on `connection` for `printer`'s advertisement.
    func openCentral(on connection: LoopbackConnection, to printer: EmulatedPrinter) async throws -> CentralDriver {
        try await CentralDriver.open(
            link: connection.central,
            configuration: try CentralConfiguration(advertisement: await printer.currentAdvertisement(), clientID: Array(repeating: 7, count: 16)))
    }

    @Test func theApplicationIsToldEverythingInOrderBeforeServeReturns() async throws {
        let application = RecordingApplication()
        let info = try DeviceInfo(model: "M", serial: "S", firmware: "1", macAddress: [2, 0, 0, 0, 0, 1])
        let driver = PrinterDriver(
            configuration: PrinterConfiguration(deviceInfo: info, shortID: ShortID(0x3F0A)), authMethod: .displayedPIN,
            application: application)
        await driver.startSetupMode()
        let pin = try #require(application.pin.withLock { $0 })
        let connection = LoopbackConnection(mtu: 247, info: [])
        let serving = Task { await driver.serve(connection.printer) }
        let advertisement = SetupAdvertisement(
            version: 1, authMethod: .displayedPIN, isProvisioned: false, isBusy: false, shortID: ShortID(0x3F0A), deviceClass: .printer)
        let central = try await CentralDriver.open(
            link: connection.central, configuration: try CentralConfiguration(advertisement: advertisement, clientID: Array(repeating: 1, count: 16)))
        try await central.startHandshake(.pin(wrongPIN(not: pin)))
        #expect(try await central.nextEvent(within: eventDeadline) == .authenticationFailed(attemptsLeft: 2))
        await central.close()
        await serving.value
        // serve returned: every notice of the connection has been told, in the order it happened
        // (a step's change of the busy flag before that step's events).
        #expect(application.told.withLock { $0 } == ["present", "busy true", "busy false", "wrong PIN, 2 left", "failed: disconnected"])
    }

    @Test func aJoinInProgressEndsWithTheCentralsLink() async throws {
        let lines = Mutex<[String]>([])
        let networks = NetworkTable(networks: [
            WiFiNetwork(ssid: "Slow", security: "wpa2-psk", passphrase: "slow access point", rssi: -80, channel: 3, band: "2.4",
                        joinTimeMs: 20_000, address: "192.168.9.9/24"),
        ])
        let printer = try EmulatedPrinter(
            configuration: EmulatorConfiguration(shortID: ShortID(0x3F0A), networks: networks),
            output: { line in lines.withLock { $0.append(line) } })
        await printer.start()
        let pin = try #require(printer.presentedPIN)
        let connection = LoopbackConnection(mtu: 247, info: printer.infoValue())
        let serving = Task { await printer.serve(connection.printer) }
        let central = try await openCentral(on: connection, to: printer)
        try await central.startHandshake(.pin(pin), firstRequest: .setCredentials(try credentials(ssid: "Slow", passphrase: "slow access point")))
        #expect(try await central.nextEvent(within: eventDeadline) == .authenticated)
        #expect(try await central.nextEvent(within: eventDeadline) == .joinStatus(.received))
        await central.close()
        await serving.value
        // The join was cancelled with the connection, before serve returned.
        #expect(lines.withLock { $0 }.contains("[printer 3F0A] join abandoned: the client disconnected"))
        #expect(!printer.isProvisioned)
    }

    @Test func aWaitThatTimesOutLosesNoEvent() async throws {
        let printer = try await makePrinter()
        let pin = try #require(printer.presentedPIN)
        let connection = LoopbackConnection(mtu: 247, info: printer.infoValue(), operationCost: .milliseconds(30))
        let serving = Task { await printer.serve(connection.printer) }
        let central = try await openCentral(on: connection, to: printer)
        try await central.startHandshake(.pin(pin))
        // Many short waits race the event's arrival; whichever wins, the event is read once.
        var event: CentralEvent?
        for _ in 0..<400 where event == nil {
            do { event = try await central.nextEvent(within: .milliseconds(1)) } catch {
                #expect(error == ProtocolError(.timedOut))
            }
        }
        #expect(event == .authenticated)
        await #expect(throws: ProtocolError(.timedOut)) { try await central.nextEvent(within: .milliseconds(100)) }
        await central.close()
        await serving.value
    }

    @Test func aCancelledWaitThrowsAndTheNextWaitStillGetsTheEvent() async throws {
        let printer = try await makePrinter()
        let pin = try #require(printer.presentedPIN)
        let connection = LoopbackConnection(mtu: 247, info: printer.infoValue())
        let serving = Task { await printer.serve(connection.printer) }
        let central = try await openCentral(on: connection, to: printer)
        let waiting = Task { try await central.nextEvent(within: eventDeadline) }
        waiting.cancel()
        await #expect(throws: ProtocolError(.internalError)) { try await waiting.value }
        try await central.startHandshake(.pin(pin))
        #expect(try await central.nextEvent(within: eventDeadline) == .authenticated)
        await central.close()
        await serving.value
    }
}
