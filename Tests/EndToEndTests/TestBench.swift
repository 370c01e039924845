import BlueZ
import DBus
import Foundation
import SetupCentral
import SetupPrinter
import SetupProtocol
import Testing
import TestSupport

/// Which bluetoothd the backend-neutral end-to-end tests run against.
///
/// By default the simulated BlueZ on a private bus. When `SMARTSETUP_TEST_BLUEZ_BUS` holds the
/// address of a bus where a real bluetoothd serves two LE controllers that see each other (hci0
/// for the central, hci1 for the printer), the same tests run against that bluetoothd instead:
/// the real-BlueZ VM tier (`Tests/RealBlueZ/scenarios/swift-tests.sh`) sets it. The variable is
/// never read from the machine's own buses: it must be given explicitly.
struct Backend: Sendable, CustomTestStringConvertible {
    enum Kind: Sendable { case simulated, realBlueZ(bus: String) }

    var kind: Kind
    /// The ATT MTU the central ends up with: the simulator's configured one; real BlueZ
    /// negotiates its own (517 with btvirt's controllers).
    var mtu: Int?

    var testDescription: String {
        switch kind {
        case .simulated: "simulated BlueZ, MTU \(mtu ?? 0)"
        case .realBlueZ: "real bluetoothd"
        }
    }

    /// The real bluetoothd's bus, when the environment names one.
    static var realBlueZBus: String? {
        ProcessInfo.processInfo.environment["SMARTSETUP_TEST_BLUEZ_BUS"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// One backend per MTU worth testing: the simulator at 23 and 247, or the real bluetoothd.
    static var everyMTU: [Backend] {
        if let bus = realBlueZBus { return [Backend(kind: .realBlueZ(bus: bus), mtu: nil)] }
        return [Backend(kind: .simulated, mtu: 23), Backend(kind: .simulated, mtu: 247)]
    }

    /// One backend: the simulator at MTU 247, or the real bluetoothd.
    static var selected: [Backend] {
        if let bus = realBlueZBus { return [Backend(kind: .realBlueZ(bus: bus), mtu: nil)] }
        return [Backend(kind: .simulated, mtu: 247)]
    }

    /// Whether only the simulated BlueZ is in use (tests that need its faults or many adapters).
    static var isSimulated: Bool { realBlueZBus == nil }
}

/// One emulated printer and a central radio, on the simulated BlueZ or on a real bluetoothd.
struct TestBench {
    /// The printer (short id 3F0A).
    let printer: EmulatedPrinter
    /// The central's radio (hci0).
    let radio: BlueZRadio
    /// Ends the link to the central from the printer's side (`address`: the printer's, as the
    /// central selected it): the simulator's fault, or Device1.Disconnect on hci1 for real.
    let dropLink: @Sendable (_ address: String) async throws -> Void
    private let stopAll: @Sendable () async -> Void

    /// Starts a printer made with `auth` on `backend` and opens the central's radio.
    static func start(_ backend: Backend, auth: AuthMethod = .displayedPIN) async throws -> TestBench {
        switch backend.kind {
        case .simulated:
            let lab = try await startLab(mtu: backend.mtu ?? 247, auth: auth)
            let faults = lab.simulator.faults
            return TestBench(
                printer: lab.printers[0], radio: try await lab.centralRadio(),
                dropLink: { address in await faults.disconnect(address: address) }, stopAll: { await lab.stop() })
        case .realBlueZ(let bus):
            return try await startOnRealBlueZ(bus: bus, auth: auth)
        }
    }

    /// The service over this bench's radio.
    func service() -> SmartSetup {
        var options = SmartSetup.Options()
        options.scanTimeout = .seconds(Backend.isSimulated ? 3 : 5)
        return SmartSetup(radio: radio, options: options)
    }

    func stop() async { await stopAll() }

    /// Puts the printer on hci1 of a real bluetoothd so that hci0 has seen its advertisement.
    ///
    /// btvirt's controllers send one advertising report when advertising or scanning is enabled,
    /// never periodically, and the kernel drops a report that arrives before hci0 is "finding"
    /// (Tests/RealBlueZ/README.md, "Discovery race"). So hci0 discovers first and the printer
    /// registers its advertisement while it does; a miss is retried with a fresh registration.
    /// The printer then stays one of hci0's known devices, which `pair` considers.
    private static func startOnRealBlueZ(bus: String, auth: AuthMethod) async throws -> TestBench {
        let connection = try await DBusConnection.open(.address(bus), timeout: .seconds(30))
        let session = try await BlueZSession.open(connection, timeout: .seconds(30))
        let central = try await session.waitForAdapter(named: "hci0", deadline: .now + .seconds(30))
        let printerAdapter = try await session.waitForAdapter(named: "hci1", deadline: .now + .seconds(30))
        let printerAddress = try printerAdapter.properties().address
        let printer = try EmulatedPrinter(configuration: testPrinterConfiguration(auth: auth, networks: TestNetworks.lab), output: { _ in })
        await printer.start()

        var host: BlueZPrinterHost?
        for _ in 1...3 where host == nil {
            let discovery = try await central.discover(DiscoveryFilter(uuids: [SetupGATT.serviceUUID.description], transport: .le, duplicateData: true))
            let reports = discovery.devices()
            try await eventually("hci0 discovering", within: .seconds(20), every: .milliseconds(50)) { try central.properties().discovering }
            let candidate = try await BlueZPrinterHost.start(printer, on: printerAdapter)
            let seen = await firstReport(in: reports, from: printerAddress, within: .seconds(10))
            await discovery.stop()
            if seen { host = candidate } else { await candidate.stop() }
        }
        guard let host else {
            session.close()
            connection.close()
            throw SetupError(.noPrinterFound, "hci0 did not see the printer's advertisement in 3 tries")
        }
        let radio = try await BlueZRadio.open(adapter: "hci0", bus: .address(bus))
        let centralAddress = try central.properties().address
        return TestBench(printer: printer, radio: radio, dropLink: { _ in
            guard let link = printerAdapter.device(address: centralAddress) else { throw SetupError(.printerLost, "hci1 has no link to hci0") }
            try await link.disconnect(deadline: .now + .seconds(30))
        }, stopAll: {
            await host.stop()
            session.close()
            connection.close()
        })
    }

    private static func firstReport(in reports: DiscoveredDevices, from address: String, within limit: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    for try await report in reports where report.properties.address == address { return true }
                } catch {}
                return false
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
