import ArgumentParser
import SetupCentral

/// `smartsetup`: hand Wi-Fi credentials to printers over Bluetooth LE.
@main
struct SmartSetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smartsetup",
        abstract: "Hand Wi-Fi credentials to printers in setup mode over Bluetooth LE (BlueZ).",
        discussion: """
            Run `smartsetup demo` to see a complete pairing against an emulated printer, with no radio.

            EXIT CODES
            \(ExitCodeTable.text)
            """,
        version: SmartSetupVersion.string,
        subcommands: [
            ScanCommand.self, PairCommand.self, WiFiScanCommand.self, IdentifyCommand.self, ResetCommand.self,
            EmulateCommand.self, SimCommand.self, DemoCommand.self,
            ServeCommand.self,
            HistoryCommand.self,
            DecodeCommand.self,
            DoctorCommand.self,
        ]
    )
}

/// Runs a service operation, reporting a ``SetupError`` and exiting with its code.
func runReporting(_ console: Console, _ body: () async throws(SetupError) -> Void) async throws {
    do throws(SetupError) {
        try await body()
    } catch {
        throw ExitCode(console.report(error))
    }
}
