import SetupLab
import SetupPrinter
import SetupProtocol
import Testing

/// The lab reports its own failures with its own error kinds, never as a central's error.
@Suite struct LabErrorTests {
    @Test func anInvalidPrinterConfigurationIsReportedAsSuch() async {
        do {
            let lab = try await SimulatedPrinterLab.start(
                printers: 1, configuration: { _ in EmulatorConfiguration(shortID: ShortID(0x3F0A), model: String(repeating: "m", count: 65)) },
                output: { _ in })
            await lab.stop()
            Issue.record("a 65-octet model was accepted")
        } catch {
            guard case .invalidPrinterConfiguration(printer: 1, let cause) = error else { Issue.record("got \(error)"); return }
            #expect(cause == ProtocolError(.invalidField(.model)))
            #expect(error.message == "printer 1 has an invalid configuration: the model is invalid: must be 1 to 64 octets of UTF-8")
        }
    }

    @Test func aBusThatDoesNotAnswerMakesTheSimulatorUnavailable() async {
        do {
            let lab = try await SimulatedPrinterLab.start(printers: 0, bus: "unix:path=/nonexistent/smartsetup-test-bus", output: { _ in })
            await lab.stop()
            Issue.record("a missing bus was accepted")
        } catch {
            guard case .simulatorUnavailable = error else { Issue.record("got \(error)"); return }
            #expect(error.message.hasPrefix("cannot start the simulated BlueZ"))
            #expect(error.cause != nil)
        }
    }
}
