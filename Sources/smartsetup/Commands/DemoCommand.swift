import ArgumentParser
import SetupCentral
import SetupLab
import SetupProtocol

/// `smartsetup demo`: the simulated BlueZ with one emulated printer, paired end to end.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start the simulated BlueZ with one emulated printer and pair with it, showing every step.")

    @Flag(help: "One JSON object per line, ending with a summary object.")
    var json = false

    @Option(parsing: .unconditional, help: "Connection interval in milliseconds (0 to 4000).")
    var intervalMs: Int = 30

    @Option(parsing: .unconditional, help: "ATT MTU (23...517).")
    var mtu: Int = 247

    @Flag(name: .customLong("host-wifi"), help: "Take the network from a simulated NetworkManager (the host's own Wi-Fi), as pair --host-wifi does.")
    var hostWiFi = false

    func validate() throws {
        try NumberOptions.integer(mtu, "--mtu", in: 23...517)
        try NumberOptions.integer(intervalMs, "--interval-ms", in: 0...NumberOptions.maximumIntervalMs)
    }

    func run() async throws {
        let console = Console(json: json)
        try await runReporting(console) { () throws(SetupError) in
            let clock = ContinuousClock()
            let started = clock.now
            console.event("demo-starting", ["intervalMs": .int(intervalMs), "mtu": .int(mtu)],
                          text: "Starting the simulated BlueZ (private dbus-daemon) with one emulated printer on hci1…")
            let lab = try await SimulatedPrinterLab.startForCommand(
                printers: 1, mtu: mtu, interval: .milliseconds(intervalMs),
                output: { line in console.event("printer", ["line": .string(line.replacingPINDigits())], text: "    \(line)") })
            do throws(SetupError) {
                let printer = lab.printers[0]
                guard let pin = printer.presentedPIN else { throw SetupError(.internalError, "the printer shows no PIN") }
                console.event("owner", text: "The owner reads the PIN from the printer's display and types it in.")
                let radio = try await lab.centralRadio()
                defer { radio.close() }
                let service = SmartSetup(radio: radio)
                let credentials: WiFiCredentials
                if hostWiFi {
                    console.event("host-wifi", text: "The host's NetworkManager (simulated) is on HomeNet: its SSID, security and passphrase are taken from it, nothing typed.")
                    let networkManager = try await SimulatedHostWiFi.start(busAddress: lab.busAddress, profile: try SimulatedHostWiFi.profile(ssid: "HomeNet"))
                    do throws(SetupError) {
                        credentials = try await SimulatedHostWiFi.credentials(busAddress: lab.busAddress)
                    } catch {
                        await networkManager.stop()
                        throw error
                    }
                    await networkManager.stop()
                } else {
                    do throws(ProtocolError) {
                        credentials = try WiFiCredentials(ssid: Array("HomeNet".utf8), security: .wpa2PSK, passphrase: try WiFiPassphrase("correct horse battery"))
                    } catch {
                        throw SetupError(.internalError, "the demo's credentials are invalid: \(error.message)", cause: error)
                    }
                }
                let request = PairRequest(target: PrinterTarget(selector: PrinterSelector(printer.configuration.shortID.description), authentication: .pin(pin)), credentials: credentials)
                let result = try await CommandDeadline(seconds: 120).run { () throws(SetupError) in
                    try await service.pair(request) { console.progress($0) }
                }
                let wall = started.duration(to: clock.now)
                let wallMs = Int(wall.components.seconds * 1000 + wall.components.attoseconds / 1_000_000_000_000_000)
                let counters = lab.simulator.counters.total
                // Stopped first, so that every line the printer has to say comes before the summary.
                await lab.stop()
                console.event(
                    "summary",
                    ["shortId": .string(result.printer.shortID), "address": .string(result.address.description), "mtu": .int(result.mtu),
                     "roundTripsServicesResolvedToCredentialsAccepted": .int(result.untilAccepted.roundTrips),
                     "attOperationsToCredentialsAccepted": .int(result.untilAccepted.operations),
                     "attOperationsTotal": .int(Int(counters.operations)), "attBytesTotal": .int(Int(counters.bytes)),
                     "attRoundTripsTotal": .int(Int(counters.roundTrips)), "intervalMs": .int(intervalMs),
                     "wallTimeMs": .int(wallMs)],
                    text: """
                        ✓ Printer \(result.printer.shortID) joined "HomeNet" with address \(result.address)
                          ATT round trips from services resolved to credentials accepted: \(result.untilAccepted.roundTrips) (the CCC write and 2 protocol messages)
                          ATT operations relayed by the simulated BlueZ: \(counters.operations) (\(counters.bytes) bytes), wall time \(wallMs) ms
                        """)
            } catch {
                await lab.stop()
                throw error
            }
        }
    }
}

extension String {
    /// The line with PIN-looking digit groups masked, for JSON logs of the demo.
    func replacingPINDigits() -> String {
        replacing(/\d{4}-\d{4}/, with: "XXXX-XXXX")
    }
}
