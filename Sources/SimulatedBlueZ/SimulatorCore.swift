import DBus
import Synchronization

/// The simulated bluetoothd: the shared state behind one lock, the object server that exports
/// it on the connection, and the helpers every interface uses. No lock is held while a D-Bus
/// call or a signal goes out.
final class SimulatorCore: Sendable {
    let connection: DBusConnection
    let server: DBusObjectServer
    let configuration: SimulatorConfiguration
    let state = Mutex(SimulatorState())
    /// Notification queues, one per link, drained in order by one task each.
    let notificationQueues = Mutex<[UInt64: AsyncStream<NotificationDelivery>.Continuation]>([:])
    /// Tasks still running (watchers, notification queues, discovery and connection work),
    /// cancelled at shutdown; each removes itself when it ends.
    let background = Mutex(BackgroundTasks())

    static let busName = "org.bluez"
    static let adapterInterface = "org.bluez.Adapter1"
    static let deviceInterface = "org.bluez.Device1"
    static let advertisingManagerInterface = "org.bluez.LEAdvertisingManager1"
    static let gattManagerInterface = "org.bluez.GattManager1"
    static let advertisementInterface = "org.bluez.LEAdvertisement1"
    static let modalias = "usb:v1D6Bp0246d0542"

    init(connection: DBusConnection, configuration: SimulatorConfiguration) {
        self.connection = connection
        self.configuration = configuration
        self.server = DBusObjectServer(send: { [weak connection] message throws(DBusError) in
            guard let connection else { throw DBusError(.disconnected, message: "the simulator's connection is gone") }
            try connection.send(message)
        })
    }

    // MARK: Life cycle

    /// Exports `/`, `/org/bluez` and the adapters, then owns `org.bluez`.
    func publish() async throws(DBusError) {
        server.addObjectManager(at: .root)
        connection.setMethodCallHandler { [server] message in server.handle(message) }
        try await startWatchers()
        try registerBluetoothd()
        try await ownName()
    }

    /// (Re-)creates the state and objects of a freshly started bluetoothd.
    func registerBluetoothd() throws(DBusError) {
        try server.register(bluezRootInterfaces(), at: try DBusObjectPath("/org/bluez"))
        for index in 0..<configuration.adapterCount {
            try plugAdapter(index)
        }
    }

    /// Creates adapter `hci<index>` as a controller that was just plugged in (powered, knowing
    /// no device) and exports it.
    func plugAdapter(_ index: Int) throws(DBusError) {
        state.withLock { state in
            state.adapters[index] = AdapterState(
                index: index, address: .adapter(index), name: configuration.adapterName, alias: configuration.adapterName)
        }
        try server.register(adapterInterfaces(index), at: try BlueZPath.adapter(index))
    }

    func ownName() async throws(DBusError) {
        let result = try await connection.requestName(Self.busName, flags: [.doNotQueue])
        guard result == .primaryOwner || result == .alreadyOwner else {
            throw DBusError(.failed, message: "org.bluez is already owned on this bus")
        }
    }

    /// Drops every object below /org/bluez and forgets all state, as bluetoothd exiting does.
    func dropBluetoothd() {
        let links = state.withLock { Array($0.links.keys) }
        for id in links { finishNotificationQueue(id) }
        state.withLock { state in
            let (overrides, sighting) = (state.linkOverrides, state.nextSighting)
            state = SimulatorState()
            state.linkOverrides = overrides
            state.nextSighting = sighting
        }
        let prefix = "/org/bluez"
        for path in server.registeredPaths.reversed() where path.rawValue == prefix || path.rawValue.hasPrefix(prefix + "/") {
            try? server.unregisterObject(at: path)
        }
    }

    /// Stops for good: cancels the running tasks, drops bluetoothd's objects, releases
    /// `org.bluez` and unregisters every object left (the control object): the exported
    /// interfaces' methods hold the core, so an object left registered would keep the core,
    /// and with it the connection, alive after the simulator is let go.
    func shutdown() async {
        let tasks = background.withLock { tasks in defer { tasks.running = [:] }; return tasks.running.values }
        for task in tasks { task.cancel() }
        dropBluetoothd()
        _ = try? await connection.releaseName(Self.busName, timeout: .seconds(5))
        connection.setMethodCallHandler(nil)
        for path in server.registeredPaths.reversed() {
            try? server.unregisterObject(at: path)
        }
    }

    func spawn(_ work: @escaping @Sendable () async -> Void) {
        background.withLock { tasks in
            let id = tasks.nextID
            tasks.nextID += 1
            tasks.running[id] = Task { [weak self] in
                await work()
                _ = self?.background.withLock { $0.running.removeValue(forKey: id) }
            }
        }
    }

    // MARK: Helpers

    func changed(_ names: [String], _ interface: String, at path: DBusObjectPath) {
        try? server.propertiesChanged(names, interface: interface, at: path)
    }

    func linkParameters(forPeripheral index: Int) -> LinkParameters {
        state.withLock { $0.linkOverrides[index] } ?? LinkParameters(
            mtu: configuration.mtu, interval: configuration.connectionInterval, rssi: configuration.rssi)
    }

    /// Waits `count` connection intervals without blocking a thread.
    func wait(intervals count: Int, of interval: Duration) async {
        guard count > 0, interval > .zero else { return }
        try? await Task.sleep(for: interval * count)
    }

    /// Calls `member` on an object of a client (an application, an advertisement).
    func callClient(
        _ owner: String, path: DBusObjectPath, interface: String, member: String, body: [DBusValue] = [],
        timeout: Duration = .seconds(25)
    ) async throws(DBusError) -> [DBusValue] {
        let reply = try await connection.call(
            .methodCall(destination: owner, path: path, interface: interface, member: member, body: body), timeout: timeout)
        return reply.body
    }
}

/// The simulator's running tasks, by id.
struct BackgroundTasks: Sendable {
    var running: [UInt64: Task<Void, Never>] = [:]
    var nextID: UInt64 = 0
}

/// One notification waiting to be delivered to a central.
struct NotificationDelivery: Sendable {
    var attribute: Int
    var value: [UInt8]
    var extraDelay: Duration?
}
