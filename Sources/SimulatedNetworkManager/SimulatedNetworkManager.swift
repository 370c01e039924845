import DBus
import Synchronization

/// A simulated NetworkManager owning `org.freedesktop.NetworkManager` on a bus of its own, for the
/// subset `smartsetup pair --host-wifi` reads: the root object's `ActiveConnections`, the settings
/// object's `ListConnections()`, each profile's `GetSettings()` / `GetSecrets()`, and active
/// connections with their properties and `StateChanged(uu)` signal. Paths, property types, reply
/// shapes, error names and texts follow real NetworkManager 1.42.4
/// (`Tests/RealNetworkManager/reference/`). There is no radio: `activate` just marks a profile
/// active.
public final class SimulatedNetworkManager: Sendable {
    /// The version the simulation answers in `Version` (the one the recordings come from).
    public static let version = "1.42.4"
    static let service = "org.freedesktop.NetworkManager"

    let connection: DBusConnection
    let server: DBusObjectServer
    let state: Mutex<NetworkManagerState>
    private let ownsConnection: Bool

    private init(connection: DBusConnection, profiles: [SimulatedWiFiProfile], ownsConnection: Bool) {
        self.connection = connection
        self.server = DBusObjectServer(send: { [weak connection] message throws(DBusError) in
            guard let connection else { throw DBusError(.disconnected, message: "the connection is gone") }
            _ = try connection.send(message)
        })
        self.state = Mutex(NetworkManagerState(profiles: profiles))
        self.ownsConnection = ownsConnection
    }

    /// Starts on `connection` (which the caller keeps and closes) with these saved profiles.
    public static func start(on connection: DBusConnection, profiles: [SimulatedWiFiProfile]) async throws(DBusError) -> SimulatedNetworkManager {
        try await start(SimulatedNetworkManager(connection: connection, profiles: profiles, ownsConnection: false))
    }

    /// Starts on the bus at `busAddress` (e.g. the simulated BlueZ's), on a connection of its own.
    public static func start(busAddress: String, profiles: [SimulatedWiFiProfile]) async throws(DBusError) -> SimulatedNetworkManager {
        let connection = try await DBusConnection.open(.address(busAddress))
        return try await start(SimulatedNetworkManager(connection: connection, profiles: profiles, ownsConnection: true))
    }

    private static func start(_ simulation: SimulatedNetworkManager) async throws(DBusError) -> SimulatedNetworkManager {
        do throws(DBusError) {
            simulation.connection.setMethodCallHandler { [server = simulation.server] message in server.handle(message) }
            try simulation.publish()
            let result = try await simulation.connection.requestName(service, flags: [.doNotQueue])
            guard result == .primaryOwner else { throw DBusError(.failed, message: "\(service) is already owned on this bus") }
        } catch {
            await simulation.stop()
            throw error
        }
        return simulation
    }

    /// Marks the profile with this id or UUID active: a new active connection object appears in
    /// `ActiveConnections` and emits `StateChanged` activating (1), then activated (2).
    /// Returns its path. Throws `.invalidArguments` for an unknown profile.
    @discardableResult
    public func activate(_ idOrUUID: String) throws(DBusError) -> DBusObjectPath {
        let active = try state.withLock { state throws(DBusError) -> ActiveConnection in
            guard let index = state.profiles.firstIndex(where: { $0.id == idOrUUID || $0.uuid == idOrUUID }) else {
                throw DBusError(.invalidArguments, message: "no such profile")
            }
            state.nextActive += 1
            let active = ActiveConnection(number: state.nextActive, profileIndex: index, state: 1)
            state.active.append(active)
            return active
        }
        let path = try active.path()
        try server.register([activeConnectionInterface(number: active.number)], at: path)
        try server.emitSignal("StateChanged", interface: Self.activeInterface, at: path, body: [.uint32(1), .uint32(0)])
        state.withLock { state in
            if let i = state.active.firstIndex(where: { $0.number == active.number }) { state.active[i].state = 2 }
        }
        try server.emitSignal("StateChanged", interface: Self.activeInterface, at: path, body: [.uint32(2), .uint32(0)])
        return path
    }

    /// Deactivates every active connection of the profile with this id or UUID: `StateChanged`
    /// deactivating (3, 0), then deactivated (4, 3 = user disconnected), as real NetworkManager
    /// does for `nmcli connection down`; the object is then removed.
    public func deactivate(_ idOrUUID: String) throws(DBusError) {
        let gone = state.withLock { state in
            let numbers = state.active.filter { state.profiles[$0.profileIndex].id == idOrUUID || state.profiles[$0.profileIndex].uuid == idOrUUID }
            state.active.removeAll { active in numbers.contains { $0.number == active.number } }
            return numbers
        }
        for active in gone {
            let path = try active.path()
            try server.emitSignal("StateChanged", interface: Self.activeInterface, at: path, body: [.uint32(3), .uint32(0)])
            try server.emitSignal("StateChanged", interface: Self.activeInterface, at: path, body: [.uint32(4), .uint32(3)])
            try server.unregisterObject(at: path)
        }
    }

    /// Whether `GetSecrets` gives secrets to callers. When false it answers
    /// `Settings.PermissionDenied` "Insufficient privileges", as real NetworkManager does when polkit
    /// refuses `org.freedesktop.NetworkManager.settings.modify.system` (every caller alike here).
    public func setSecretsGranted(_ granted: Bool) {
        state.withLock { $0.secretsGranted = granted }
    }

    /// Releases the name and stops answering; closes the connection if it opened it.
    public func stop() async {
        _ = try? await connection.releaseName(Self.service, timeout: .seconds(5))
        connection.setMethodCallHandler(nil)
        if ownsConnection { connection.close() }
    }
}

/// The simulation's state behind one lock.
struct NetworkManagerState: Sendable {
    var profiles: [SimulatedWiFiProfile]
    var active: [ActiveConnection] = []
    var nextActive = 0
    var secretsGranted = true
}

/// One active connection: its number in `/org/freedesktop/NetworkManager/ActiveConnection/N`.
struct ActiveConnection: Sendable {
    var number: Int
    var profileIndex: Int
    var state: UInt32

    func path() throws(DBusError) -> DBusObjectPath { try DBusObjectPath("/org/freedesktop/NetworkManager/ActiveConnection/\(number)") }
}
