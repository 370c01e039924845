import BlueZ
import DBus

/// The checklist lines that ask the system bus: bluetoothd (reachable, may this user call it,
/// its adapters powered and able to be a central), the smartsetup daemon and NetworkManager.
/// Every call has a deadline of `timeout`.
public struct SystemBusChecks: Sendable {
    /// The bus (`.system` honours `DBUS_SYSTEM_BUS_ADDRESS`).
    public var bus: DBusBusAddress
    /// The adapter asked for, if any.
    public var adapter: String?
    /// The deadline of each call.
    public var timeout: Duration

    /// Checks on `bus`, for `adapter` (all when nil).
    public init(bus: DBusBusAddress = .system, adapter: String? = nil, timeout: Duration = .seconds(5)) {
        self.bus = bus
        self.adapter = adapter
        self.timeout = timeout
    }

    /// The smartsetup daemon's bus name and its manager object.
    public static let daemonName = "io.smartsetup1"
    static let daemonPath = "/io/smartsetup1"
    static let daemonInterface = "io.smartsetup1.Manager1"
    static let networkManagerName = "org.freedesktop.NetworkManager"

    /// Runs every check; when the bus cannot be reached, one failed line says so.
    public func run(bluetoothdVersion: String?) async -> [DoctorCheck] {
        let address = (try? bus.resolve()) ?? "?"
        let connection: DBusConnection
        do throws(DBusError) {
            connection = try await DBusConnection.open(bus, timeout: timeout)
        } catch {
            return [DoctorCheck(
                id: "system-bus", title: "system bus", status: .failed, found: error.message.contains(address) ? error.message : "cannot connect to \(address): \(error.message)",
                fix: "start D-Bus (`systemctl start dbus`), or set DBUS_SYSTEM_BUS_ADDRESS to the right bus",
                failure: .bluetoothdUnreachable)]
        }
        defer { connection.close() }
        var checks = await bluezChecks(connection, bluetoothdVersion: bluetoothdVersion)
        checks.append(await daemonCheck(connection))
        checks.append(await networkManagerCheck(connection))
        return checks
    }

    /// bluetoothd reachable, its version, this user's access, the adapters' state.
    func bluezChecks(_ connection: DBusConnection, bluetoothdVersion: String?) async -> [DoctorCheck] {
        let owner: String?
        do throws(DBusError) {
            owner = try await connection.nameOwner(of: "org.bluez", timeout: timeout)
        } catch {
            return [failedBluetoothd("could not ask the bus for org.bluez: \(error.message)")]
        }
        guard let owner else {
            return [failedBluetoothd("bluetoothd is not running (no owner of org.bluez on the system bus)")]
        }
        let version = bluetoothdVersion.map { ", installed bluetoothd \($0)" } ?? ""
        var checks = [DoctorCheck(id: "bluetoothd", title: "bluetoothd", status: .ok, found: "running as \(owner)\(version)")]
        let objects: [DBusObjectPath: [String: [String: DBusValue]]]
        do throws(DBusError) {
            let reply = try await connection.call(
                .methodCall(destination: "org.bluez", path: .root, interface: "org.freedesktop.DBus.ObjectManager", member: "GetManagedObjects"),
                timeout: timeout)
            guard let body = reply.body.first else { throw DBusError(.typeMismatch, message: "an empty reply") }
            objects = try body.managedObjects()
        } catch where error.kind == .accessDenied {
            checks.append(DoctorCheck(
                id: "bluez-access", title: "access to org.bluez", status: .failed, found: "the bus refuses this user's calls to org.bluez (\(error.message))",
                fix: "run as root or add the user to the bluetooth group (`adduser USER bluetooth`, then log in again)", failure: .bluezAccessDenied))
            return checks
        } catch {
            checks.append(DoctorCheck(
                id: "bluez-access", title: "access to org.bluez", status: .failed, found: "GetManagedObjects failed: \(error.message)",
                fix: "see `journalctl -u bluetooth`; restart it with `systemctl restart bluetooth`", failure: .bluetoothdUnreachable))
            return checks
        }
        checks.append(DoctorCheck(id: "bluez-access", title: "access to org.bluez", status: .ok, found: "this user may call org.bluez"))
        let adapters = objects.compactMap { path, interfaces in
            interfaces["org.bluez.Adapter1"].map { AdapterProperties(path: path, properties: $0) }
        }.sorted { $0.interfaceName < $1.interfaceName }
        checks.append(contentsOf: Self.adapterChecks(adapters, adapter: adapter))
        return checks
    }

    /// One line per adapter bluetoothd serves (or the one asked for): powered, central role.
    public static func adapterChecks(_ adapters: [AdapterProperties], adapter: String?) -> [DoctorCheck] {
        let chosen = adapter.map { name in adapters.filter { $0.interfaceName == name } } ?? adapters
        if chosen.isEmpty {
            let known = adapters.map(\.interfaceName).joined(separator: ", ")
            return [DoctorCheck(
                id: "adapters", title: "bluetoothd's adapters", status: .failed,
                found: adapter.map { "bluetoothd has no adapter \($0)" + (known.isEmpty ? "" : " (it has \(known))") } ?? "bluetoothd has no adapter",
                fix: known.isEmpty ? "plug in a Bluetooth LE adapter, then `systemctl restart bluetooth`" : "use --adapter with one of: \(known)",
                failure: .noController)]
        }
        return chosen.map { properties in
            let id = "adapter.\(properties.interfaceName)"
            let title = "adapter \(properties.interfaceName) in bluetoothd"
            let roles = properties.roles.isEmpty ? "roles not reported" : "roles \(properties.roles.joined(separator: ", "))"
            let found = "\(properties.address), \(properties.powered ? "powered" : "powered off"), \(roles)"
            if !properties.powered {
                return DoctorCheck(id: id, title: title, status: .failed, found: found, fix: "`bluetoothctl power on`", failure: .adapterNotReady)
            }
            if !properties.roles.isEmpty && !properties.roles.contains("central") {
                return DoctorCheck(
                    id: id, title: title, status: .failed, found: found,
                    fix: "use an adapter that can be an LE central", failure: .adapterNotReady)
            }
            return DoctorCheck(id: id, title: title, status: .ok, found: found)
        }
    }

    /// The smartsetup daemon: running or not (not an error), its version, whether this user may call it.
    func daemonCheck(_ connection: DBusConnection) async -> DoctorCheck {
        let title = "smartsetup daemon"
        guard let owner = try? await connection.nameOwner(of: Self.daemonName, timeout: timeout) else {
            return DoctorCheck(
                id: "daemon", title: title, status: .info, found: "not running (\(Self.daemonName) has no owner); the command-line tool works without it",
                fix: "for the service: `systemctl start smartsetup`")
        }
        do throws(DBusError) {
            let version = try await property(connection, Self.daemonName, Self.daemonPath, Self.daemonInterface, "Version")
            return DoctorCheck(id: "daemon", title: title, status: .ok, found: "running as \(owner), version \(version), this user may call it")
        } catch where error.kind == .accessDenied {
            return DoctorCheck(
                id: "daemon", title: title, status: .warning, found: "running as \(owner), but the bus refuses this user's calls",
                fix: "add the user to the smartsetup group (`adduser USER smartsetup`, then log in again)")
        } catch {
            return DoctorCheck(
                id: "daemon", title: title, status: .warning, found: "running as \(owner), but its version could not be read: \(error.message)",
                fix: "see `journalctl -u smartsetup`")
        }
    }

    /// NetworkManager: reachable or not (needed only for `--host-wifi`), and its version.
    func networkManagerCheck(_ connection: DBusConnection) async -> DoctorCheck {
        let title = "NetworkManager"
        guard let owner = try? await connection.nameOwner(of: Self.networkManagerName, timeout: timeout) else {
            return DoctorCheck(
                id: "networkmanager", title: title, status: .info, found: "not running; only --host-wifi needs it",
                fix: "for --host-wifi: `systemctl start NetworkManager`")
        }
        do throws(DBusError) {
            let version = try await property(connection, Self.networkManagerName, "/org/freedesktop/NetworkManager", Self.networkManagerName, "Version")
            return DoctorCheck(id: "networkmanager", title: title, status: .ok, found: "running as \(owner), version \(version)")
        } catch {
            return DoctorCheck(
                id: "networkmanager", title: title, status: .warning, found: "running as \(owner), but its version could not be read: \(error.message)",
                fix: "see `journalctl -u NetworkManager`")
        }
    }

    /// A string property through `org.freedesktop.DBus.Properties.Get`.
    func property(_ connection: DBusConnection, _ destination: String, _ path: String, _ interface: String, _ name: String) async throws(DBusError) -> String {
        let reply = try await connection.call(
            .methodCall(
                destination: destination, path: try DBusObjectPath(path), interface: "org.freedesktop.DBus.Properties", member: "Get",
                body: [.string(interface), .string(name)]),
            timeout: timeout)
        guard let value = reply.body.first?.unwrappedVariant.string else {
            throw DBusError(.typeMismatch, message: "\(name) is not a string")
        }
        return value
    }

    private func failedBluetoothd(_ found: String) -> DoctorCheck {
        DoctorCheck(
            id: "bluetoothd", title: "bluetoothd", status: .failed, found: found,
            fix: "`systemctl start bluetooth` (Debian: apt install bluez)", failure: .bluetoothdUnreachable)
    }
}
