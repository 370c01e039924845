import BlueZ
import DBus
import PrinterEmulator
import SetupProtocol
import SimulatedBlueZ
import SmartSetup
import Testing

/// An emulated printer on hci1 of a simulated BlueZ, started and stopped by hand (the lab keeps
/// its printers for its whole life), and a service on hci0.
struct HandStartedPrinter {
    let simulator: SimulatedBlueZ
    let session: BlueZSession
    let printer: EmulatedPrinter
    let host: BlueZPrinterHost
    let service: SmartSetup

    static func start(scanTimeout: Duration = .milliseconds(500)) async throws -> HandStartedPrinter {
        let simulator = try await SimulatedBlueZ.startWithPrivateBus(configuration: SimulatorConfiguration(connectionInterval: .milliseconds(2)))
        let bus = try #require(simulator.busAddress)
        let session = try await BlueZSession.open(try await DBusConnection.open(.address(bus)))
        var configuration = EmulatorConfiguration(shortID: ShortID(0x3F0A), networks: fastNetworks)
        configuration.joinTimeout = .seconds(30)
        let printer = try EmulatedPrinter(configuration: configuration, output: { _ in })
        await printer.start()
        let host = try await BlueZPrinterHost.start(printer, on: try session.adapter(named: "hci1"))
        var options = SmartSetup.Options()
        options.scanTimeout = scanTimeout
        options.connectTimeout = .seconds(10)
        let service = SmartSetup(radio: try await BlueZRadio.open(adapter: "hci0", bus: .address(bus)), options: options)
        return HandStartedPrinter(simulator: simulator, session: session, printer: printer, host: host, service: service)
    }

    func stop() async {
        await host.stop()
        session.close()
        await simulator.stop()
    }
}

/// bluetoothd keeps a printer that stopped advertising as a known device (VM tier finding 5):
/// `scan` must not list it, `pair` may still pick it and then fails the usual way.
@Suite(.serialized) struct StalePrinterTests {
    @Test func scanListsOnlyPrintersHeardAdvertising() async throws {
        let lab = try await HandStartedPrinter.start()
        #expect(try await lab.service.scan().map(\.shortID) == ["3F0A"])
        await lab.host.stop()
        // hci0 still knows the printer (no RSSI since the last scan stopped)...
        let known = try #require(try lab.session.adapter(named: "hci0").devices().first)
        #expect(try known.properties().rssi == nil)
        // ...but it did not advertise during this scan.
        #expect(try await lab.service.scan().isEmpty)
        await lab.stop()
    }

    @Test func pairStillPicksAKnownPrinterAndFailsTypedWhenItIsGone() async throws {
        let lab = try await HandStartedPrinter.start()
        #expect(try await lab.service.scan().count == 1)
        await lab.host.stop()
        let pin = try #require(lab.printer.presentedPIN)
        let target = PrinterTarget(selector: PrinterSelector("3F0A"), authentication: .pin(pin))
        #expect(try await lab.service.select(target) { _ in }.shortID == "3F0A")
        let error = await #expect(throws: SetupError.self) {
            try await lab.service.pair(PairRequest(target: target, credentials: try credentials()))
        }
        #expect(error?.kind == .printerLost)
        await lab.stop()
    }
}
