import ArgumentParser
import SetupCentral

/// `smartsetup scan`: list printers in setup mode.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan", abstract: "List printers in setup mode: short id, name, address, RSSI, auth method, device class.")

    @Option(help: "The Bluetooth adapter (e.g. hci0).")
    var adapter: String?

    @Option(parsing: .unconditional, help: "Seconds to scan (above 0, at most 3600).")
    var timeout: Double = 5

    @Flag(help: "One JSON object per line.")
    var json = false

    func validate() throws {
        try NumberOptions.seconds(timeout, "--timeout", maximum: NumberOptions.maximumScanTime)
    }

    func run() async throws {
        let console = Console(json: json)
        try await runReporting(console) { () throws(SetupError) in
            var options = SmartSetup.Options()
            options.scanTimeout = NumberOptions.duration(seconds: timeout)
            let service = SmartSetup(radio: try await RadioFactory.central(adapter: adapter), options: options)
            let printers = try await service.scan()
            if json {
                for printer in printers { console.event("printer", Console.fields(printer), text: "") }
            } else if printers.isEmpty {
                console.line("No printer in setup mode found.")
            } else {
                console.line("SHORTID  NAME  ADDRESS  RSSI  AUTH  CLASS")
                for printer in printers { console.line(Console.summary(printer)) }
            }
            if printers.isEmpty { throw SetupError(.noPrinterFound, "no printer in setup mode found") }
        }
    }
}
