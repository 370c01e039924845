import BlueZ
import DBus
import SetupCentral
import SetupProtocol
import SimulatedBlueZ
import Testing
import TestSupport

/// bluetoothd keeps a printer that stopped advertising as a known device (VM tier finding 5):
/// `scan` must not list it, `pair` may still pick it and then fails the usual way.
@Suite(.serialized, .cleansUp) struct StalePrinterTests {
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
