import DBus
import SetupPrinter

/// The lab's own control object on its bus: `io.smartsetup.Lab1` at `/io/smartsetup/Lab`,
/// owned as `io.smartsetup.Lab`. `PressButton(s short_id)` presses the setup button of the
/// emulated printer with that short id (`smartsetup sim button 3F0A`): in button mode the window
/// opens again, in PIN modes the printer shows a new PIN (an owner action, SPEC §11.3).
/// Unknown short ids are refused with `org.freedesktop.DBus.Error.InvalidArgs`.
final class LabControl: Sendable {
    /// The well-known name, object path and interface of the control object.
    static let busName = "io.smartsetup.Lab"
    static let pathText = "/io/smartsetup/Lab"
    static let interfaceName = "io.smartsetup.Lab1"

    /// The control object's own connection, closed by ``stop()``.
    let connection: DBusConnection

    private init(connection: DBusConnection) { self.connection = connection }

    /// Exports the control object for `printers` on the bus at `address`.
    static func start(printers: [EmulatedPrinter], bus address: String) async throws(DBusError) -> LabControl {
        let connection = try await DBusConnection.open(.address(address))
        do {
            let server = DBusObjectServer(connection: connection)
            try server.register([interface(printers)], at: try DBusObjectPath(pathText))
            _ = try await connection.requestName(busName, flags: [.doNotQueue])
        } catch {
            connection.close()
            throw error
        }
        return LabControl(connection: connection)
    }

    private static func interface(_ printers: [EmulatedPrinter]) -> DBusExportedInterface {
        DBusExportedInterface(
            interfaceName,
            methods: [
                DBusExportedMethod("PressButton", inputs: [.init("short_id", .string)]) { invocation throws(DBusError) in
                    let id = invocation.arguments.first?.string?.uppercased() ?? ""
                    guard let printer = printers.first(where: { $0.configuration.shortID.description == id }) else {
                        throw DBusError(.invalidArguments, message: "no emulated printer with short id \(id)")
                    }
                    await printer.pressButton()
                    return []
                }
            ])
    }

    /// Leaves the bus.
    func stop() { connection.close() }
}
