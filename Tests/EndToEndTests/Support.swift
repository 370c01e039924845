import BlueZ
import DBus
import Foundation
import SetupCentral
import SetupLab
import SetupPrinter
import SetupProtocol
import SimulatedBlueZ
import Testing
import TestSupport

/// A lab with `count` printers (short ids 3F0A, 3F0B, ...), TestSupport's lab networks and a
/// short interval, on a private bus; the test case's `.cleansUp` scope stops both.
func startLab(printers count: Int = 1, mtu: Int = 247, auth: AuthMethod = .displayedPIN) async throws -> SimulatedPrinterLab {
    let bus = try await PrivateBus.start()
    let lab = try await SimulatedPrinterLab.start(
        printers: count, mtu: mtu, interval: .milliseconds(2), bus: bus.address,
        configuration: { index in testPrinterConfiguration(shortID: UInt16(0x3F0A + index), auth: auth, networks: TestNetworks.lab) },
        output: { _ in })
    try CleanupScope.atEnd(of: "a lab") { await lab.stop() }
    return lab
}

func service(_ lab: SimulatedPrinterLab) async throws -> SmartSetup {
    var options = SmartSetup.Options()
    options.scanTimeout = .seconds(3)
    return SmartSetup(radio: try await lab.centralRadio(), options: options)
}

func target(_ printer: EmulatedPrinter) throws -> PrinterTarget {
    guard let pin = printer.presentedPIN else { throw SetupError(.internalError, "no PIN shown") }
    return PrinterTarget(selector: PrinterSelector(printer.configuration.shortID.description), authentication: .pin(pin))
}

extension ToolResult {
    /// The stdout lines parsed as JSON objects.
    var jsonLines: [[String: Any]] {
        stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }
}

/// Runs `smartsetup` with `arguments` (and `environment`: DBUS_SYSTEM_BUS_ADDRESS points nowhere
/// unless it names a bus); past `deadline` it gets SIGTERM, then SIGKILL (no hang).
func runSmartsetup(_ arguments: [String], environment: [String: String] = [:], deadline: Duration = .seconds(90)) async throws -> ToolResult {
    try await Tool.run(smartsetupExecutable, arguments, environment: environment, ending: .smartsetup, deadline: deadline)
}

extension ToolEnding {
    /// How a `smartsetup` process is ended: SIGTERM, which it handles (stopping its own
    /// dbus-daemon, if any), then SIGKILL after 5 s.
    static var smartsetup: ToolEnding { .terminate(grace: .seconds(5)) }
}

/// An emulated printer on hci1 of a simulated BlueZ, started and stopped by hand (the lab keeps
/// its printers for its whole life), and a service on hci0; on a private bus. ``stop()`` or the
/// test case's `.cleansUp` scope stops them all.
struct HandStartedPrinter {
    let bus: PrivateBus
    let simulator: SimulatedBlueZ
    let session: BlueZSession
    let printer: EmulatedPrinter
    let host: BlueZPrinterHost
    let service: SmartSetup

    static func start(scanTimeout: Duration = .milliseconds(500), interval: Duration = .milliseconds(2)) async throws -> HandStartedPrinter {
        let privateBus = try await PrivateBus.start()
        let bus = privateBus.address
        let simulator = try await SimulatedBlueZ.start(busAddress: bus, configuration: SimulatorConfiguration(connectionInterval: interval))
        try CleanupScope.atEnd(of: "the simulator") { await simulator.stop() }
        let session = try await BlueZSession.open(try await DBusConnection.open(.address(bus)))
        let printer = try EmulatedPrinter(configuration: testPrinterConfiguration(networks: TestNetworks.lab), output: { _ in })
        await printer.start()
        let host = try await BlueZPrinterHost.start(printer, on: try session.adapter(named: "hci1"))
        var options = SmartSetup.Options()
        options.scanTimeout = scanTimeout
        options.connectTimeout = .seconds(10)
        let service = SmartSetup(radio: try await BlueZRadio.open(adapter: "hci0", bus: .address(bus)), options: options)
        let started = HandStartedPrinter(bus: privateBus, simulator: simulator, session: session, printer: printer, host: host, service: service)
        try CleanupScope.atEnd(of: "a hand-started printer") { await started.stop() }
        return started
    }

    /// Stops the printer's host, the session, the simulator and the bus. Idempotent.
    func stop() async {
        await host.stop()
        session.close()
        await simulator.stop()
        await bus.stop()
    }
}
