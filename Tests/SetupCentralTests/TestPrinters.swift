import SetupPrinter
import SetupProtocol
import TestSupport

/// A started emulated printer with all four of TestSupport's fast networks.
func makePrinter(_ id: UInt16 = 0x3F0A, auth: AuthMethod = .displayedPIN) async throws -> EmulatedPrinter {
    let printer = try EmulatedPrinter(configuration: testPrinterConfiguration(shortID: id, auth: auth, networks: TestNetworks.all), output: { _ in })
    await printer.start()
    return printer
}

/// Generous: deadlines in tests only prevent hangs.
let eventDeadline = Duration.seconds(60)
