import ArgumentParser
import DBus
import SetupCentral
import SetupLab

/// `smartsetup sim button SHORTID`: presses an emulated printer's setup button in a running
/// `smartsetup sim`, over the lab's control object.
struct SimButtonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "button",
        abstract: "Press the setup button of an emulated printer in a running `smartsetup sim` (DBUS_SYSTEM_BUS_ADDRESS or --sim-bus).",
        discussion: "Button mode: the window opens again for 120 s. PIN modes: the printer shows a new PIN (an owner action).")

    @Option(help: "The simulator's bus (default: DBUS_SYSTEM_BUS_ADDRESS, as `sim` prints it).")
    var simBus: String?

    @Argument(help: "The printer's short id (4 hex digits, e.g. 3F0A).")
    var shortID: String

    func run() async throws {
        let console = Console(json: false)
        try await runReporting(console) { () throws(SetupError) in
            let connection: DBusConnection
            do throws(DBusError) { connection = try await DBusConnection.open(simBus.map { .address($0) } ?? .system) } catch {
                throw SetupError(.noAdapter, "cannot reach the simulator's bus: \(error.message)", cause: error)
            }
            defer { connection.close() }
            do throws(DBusError) {
                let path = try DBusObjectPath(SimulatedPrinterLab.controlPath)
                _ = try await connection.call(
                    .methodCall(
                        destination: SimulatedPrinterLab.controlBusName, path: path, interface: SimulatedPrinterLab.controlInterface,
                        member: "PressButton", body: [.string(shortID)]))
            } catch {
                throw SetupError(
                    error.kind == .invalidArguments || error.kind == .serviceUnknown ? .usage : .internalError,
                    "the simulator refused the button press: \(error.message)", cause: error)
            }
            console.line("ok: button pressed on \(shortID.uppercased())")
        }
    }
}
