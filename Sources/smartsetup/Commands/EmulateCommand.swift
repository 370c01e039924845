import ArgumentParser
import BlueZ
import DBus
import SetupCentral
import SetupPrinter
import SetupProtocol

/// `smartsetup emulate`: the printer side on any BlueZ, through the peripheral API.
struct EmulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulate", abstract: "Run an emulated printer in setup mode on a BlueZ adapter (real or simulated) until SIGINT/SIGTERM.")

    @Option(help: "The adapter to advertise on.")
    var adapter: String = "hci1"

    @Option(help: "How the PIN is shown: display (stdout), printed (a page file), or button.")
    var auth: String = "display"

    @Option(help: "A JSON network table (see the README); the built-in table when omitted.")
    var networks: String?

    @Option(help: "Where printed mode writes the network configuration page.")
    var page: String = "network-configuration-page.txt"

    @Option(help: "The short id (4 hex digits).")
    var shortID: String = "3F0A"

    @Option(help: "The name in the scan response.")
    var name: String?

    @Option(help: "The model name.")
    var model: String = "SmartSetup Emulated Printer"

    func validate() throws {
        guard Self.method(auth) != nil else { throw ValidationError("--auth must be display, printed or button") }
        guard ShortID(hexDigits: shortID) != nil else { throw ValidationError("--short-id must be 4 hex digits") }
    }

    static func method(_ text: String) -> AuthMethod? {
        switch text {
        case "display": return .displayedPIN
        case "printed": return .printedPIN
        case "button": return .button
        default: return nil
        }
    }

    func run() async throws {
        let console = Console(json: false)
        try await runReporting(console) { () throws(SetupError) in
            var configuration = EmulatorConfiguration(
                shortID: ShortID(hexDigits: shortID) ?? ShortID(0x3F0A), authMethod: Self.method(auth) ?? .displayedPIN, adapter: adapter,
                model: model, name: name, pagePath: page)
            if let networks {
                do throws(NetworkTable.LoadError) { configuration.networks = try NetworkTable.load(from: networks) } catch { throw SetupError(.usage, "\(networks): \(error.description)", cause: error) }
            }
            let printer: EmulatedPrinter
            do throws(ProtocolError) { printer = try EmulatedPrinter(configuration: configuration, output: { console.line($0) }) } catch {
                throw SetupError(.usage, "invalid printer configuration: \(error.message)", cause: error)
            }
            let session: BlueZSession
            do { session = try await BlueZSession.open(try await DBusConnection.open(.system)) } catch let error as BlueZError {
                throw SetupError(.noAdapter, "BlueZ is not reachable on the system bus: \(error.message)", cause: error)
            } catch {
                throw SetupError(.noAdapter, "the system bus is not reachable", cause: error)
            }
            let host: BlueZPrinterHost
            do throws(BlueZError) {
                host = try await BlueZPrinterHost.start(printer, on: try session.adapter(named: adapter))
            } catch {
                throw SetupError(.noAdapter, "cannot advertise on \(adapter): \(error.message)", cause: error)
            }
            ButtonInputs.holdSignal()
            await printer.start()
            console.line(
                "Emulated printer \(configuration.shortID) (\(configuration.name)) advertising on \(adapter); Ctrl-C to stop, "
                    + "Enter (or SIGUSR1) presses its setup button.")
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await ButtonInputs.run { await printer.pressButton() } }
                await Termination.wait()
                group.cancelAll()
            }
            await host.stop()
            session.close()
        }
    }
}
