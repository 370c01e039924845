#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Which bus a ``DBusConnection`` opens.
public enum DBusBusAddress: Sendable, Hashable {
    /// The system bus: `DBUS_SYSTEM_BUS_ADDRESS` if set, else `unix:path=/run/dbus/system_bus_socket`.
    case system
    /// The session bus named by `DBUS_SESSION_BUS_ADDRESS`.
    case session
    /// An explicit D-Bus address such as `unix:path=/tmp/x/bus` (e.g. from ``PrivateBusDaemon``).
    case address(String)

    /// The well-known default address of the system bus.
    public static let defaultSystemAddress = "unix:path=/run/dbus/system_bus_socket"

    /// The address string this resolves to, read from the environment now.
    public func resolve() throws(DBusError) -> String {
        switch self {
        case .system:
            return Self.environment("DBUS_SYSTEM_BUS_ADDRESS") ?? Self.defaultSystemAddress
        case .session:
            guard let address = Self.environment("DBUS_SESSION_BUS_ADDRESS") else {
                throw DBusError(.connectionFailed, message: "DBUS_SESSION_BUS_ADDRESS is not set")
            }
            return address
        case .address(let address):
            guard !address.isEmpty, !address.utf8.contains(0) else {
                throw DBusError(.connectionFailed, message: "invalid D-Bus address")
            }
            return address
        }
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
}
