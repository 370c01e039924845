import BlueZ
import DBus
import SetupCentral
import SetupProtocol
import Synchronization
import Testing
import TestSupport

/// bluetoothd serves the adapter's alias as the GAP Device Name, which replaces the advertised
/// name in a central's Device1.Name once connected (VM tier finding 4). The emulator makes its
/// adapter's alias the printer's name, so the printer keeps its name after a connection.
@Suite(.serialized, .cleansUp) struct PrinterNameTests {
    @Test func aPrinterStillMatchesByNameAfterAPairing() async throws {
        // The simulator delivers advertising reports one connection interval (100 ms) after
        // StartDiscovery; the second pairing scans for 40 ms only, so, as under btvirt (one
        // report per advertisement), it must pick the printer from hci0's known devices.
        let lab = try await HandStartedPrinter.start(scanTimeout: .seconds(3), interval: .milliseconds(100))
        let name = try #require(lab.printer.localName)
        let hci1 = try lab.session.adapter(named: "hci1")
        #expect(try hci1.properties().name == "BlueZ 5.66")
        #expect(try hci1.properties().alias == name)

        // Every Name hci0's Device1 for the printer takes during the first pairing.
        let names = Mutex<[String]>([])
        let events = lab.session.events(.subtree(try lab.session.adapter(named: "hci0").path))
        let watcher = Task {
            for await event in events {
                if case .propertiesChanged(_, BlueZInterface.device, let changed, _) = event, let value = changed["Name"]?.unwrappedVariant.string {
                    names.withLock { $0.append(value) }
                }
            }
        }
        let target = { () throws -> PrinterTarget in
            PrinterTarget(selector: PrinterSelector(name), authentication: .pin(try #require(lab.printer.presentedPIN)))
        }
        let first = try await lab.service.pair(PairRequest(target: try target(), credentials: try credentials()))
        #expect(first.printer.name == name)
        watcher.cancel()
        #expect(!names.withLock { $0 }.isEmpty)
        #expect(names.withLock { $0 }.allSatisfy { $0 == name })
        // What a second pairing finds among hci0's known devices before any new advertising
        // report (btvirt sends none): the name the connection left.
        let known = try #require(try lab.session.adapter(named: "hci0").devices().first)
        #expect(try known.properties().name == name)

        var quick = lab.service
        quick.options.scanTimeout = .milliseconds(40)
        let second = try await quick.pair(PairRequest(target: try target(), credentials: try credentials()))
        #expect(second.printer.name == name)
        await lab.host.stop()
        #expect(try hci1.properties().alias == "BlueZ 5.66")
        await lab.stop()
    }
}
