import DBus

/// A simulated bluetoothd: owns `org.bluez` on a (private) bus and implements the parts of
/// BlueZ's D-Bus API that common clients use, with adapters joined by a simulated radio.
/// See README.md in this folder for what is simulated and how faithfully.
public final class SimulatedBlueZ: Sendable {
    let core: SimulatorCore
    private let ownedDaemon: PrivateBusDaemon?
    private let ownsConnection: Bool

    /// The address of the bus the simulator serves, when it opened the connection itself.
    public let busAddress: String?

    /// The D-Bus interface of the fault hooks and counters (see README.md).
    public static let controlInterfaceName = "io.smartsetup.Simulator1"
    /// The object path of the control interface, outside `/org/bluez`.
    public static let controlPathText = "/io/smartsetup/Simulator"

    /// Fault hooks: disconnect, notification faults, restart, adapter removal.
    public var faults: SimulatorFaults { SimulatorFaults(core: core) }

    private init(core: SimulatorCore, daemon: PrivateBusDaemon?, busAddress: String?, ownsConnection: Bool) {
        self.core = core
        self.ownedDaemon = daemon
        self.busAddress = busAddress
        self.ownsConnection = ownsConnection
    }

    /// Starts serving on `connection`, which must be free to own `org.bluez`, and exports the
    /// control interface (`io.smartsetup.Simulator1` at `/io/smartsetup/Simulator`).
    public static func start(on connection: DBusConnection, configuration: SimulatorConfiguration = .init()) async throws(DBusError) -> SimulatedBlueZ {
        try await start(connection: connection, configuration: configuration, daemon: nil, address: nil, ownsConnection: false)
    }

    /// Opens a connection to the bus at `busAddress` and starts serving on it.
    public static func start(busAddress: String, configuration: SimulatorConfiguration = .init()) async throws(DBusError) -> SimulatedBlueZ {
        let connection = try await DBusConnection.open(.address(busAddress))
        return try await start(connection: connection, configuration: configuration, daemon: nil, address: busAddress, ownsConnection: true)
    }

    /// Starts a private `dbus-daemon` of its own and serves on it; ``busAddress`` says where
    /// (what `DBUS_SYSTEM_BUS_ADDRESS` should be for clients). ``stop()`` stops the daemon too.
    public static func startWithPrivateBus(configuration: SimulatorConfiguration = .init()) async throws(DBusError) -> SimulatedBlueZ {
        let daemon = try await PrivateBusDaemon.start()
        do {
            let connection = try await DBusConnection.open(.address(daemon.address))
            return try await start(connection: connection, configuration: configuration, daemon: daemon, address: daemon.address, ownsConnection: true)
        } catch {
            await daemon.terminate()
            throw error
        }
    }

    private static func start(
        connection: DBusConnection, configuration: SimulatorConfiguration, daemon: PrivateBusDaemon?, address: String?, ownsConnection: Bool
    ) async throws(DBusError) -> SimulatedBlueZ {
        let core = SimulatorCore(connection: connection, configuration: configuration)
        do {
            try core.server.register([core.controlInterface()], at: try DBusObjectPath(SimulatorCore.controlPathText))
            try await core.publish()
        } catch {
            await core.shutdown()
            if ownsConnection { connection.close() }
            throw error
        }
        return SimulatedBlueZ(core: core, daemon: daemon, busAddress: address, ownsConnection: ownsConnection)
    }

    /// The ATT traffic relayed so far, in total and per live link.
    public var counters: SimulatorCounters { core.countersSnapshot() }

    /// Overrides the parameters of links to the peripheral adapter `hci<index>` (links made
    /// from now on) and the RSSI its advertisements are seen with.
    public func setLinkParameters(_ parameters: LinkParameters, forPeripheralAdapter index: Int) {
        core.state.withLock { $0.linkOverrides[index] = parameters }
    }

    /// Releases `org.bluez`, drops every object (the control object too), and closes the
    /// connection and the daemon the simulator opened itself: a stopped simulator holds no file
    /// descriptor and nothing keeps it alive. Call it once, when done; it cannot start again.
    public func stop() async {
        await core.shutdown()
        if ownsConnection { core.connection.close() }
        await ownedDaemon?.terminate()
    }
}

/// The counters of the simulator: the total and each live link's.
public struct SimulatorCounters: Sendable, Hashable {
    /// One link's traffic.
    public struct Link: Sendable, Hashable {
        /// The central adapter, e.g. `hci0`.
        public var central: String
        /// The peripheral adapter, e.g. `hci1`.
        public var peripheral: String
        /// The central's address, e.g. `00:AA:01:00:00:00`.
        public var centralAddress: String
        /// The peripheral's address, e.g. `00:AA:01:01:00:01`.
        public var peripheralAddress: String
        /// The link's parameters.
        public var parameters: LinkParameters
        /// What it relayed.
        public var counters: ATTCounters
    }

    /// Everything relayed since the start (or the last restart), live links or not.
    public var total: ATTCounters
    /// The links up now.
    public var links: [Link]
}

extension SimulatorCore {
    func countersSnapshot() -> SimulatorCounters {
        state.withLock { state in
            SimulatorCounters(
                total: state.totals,
                links: state.links.values.sorted { $0.id < $1.id }.map {
                    SimulatorCounters.Link(
                        central: "hci\($0.central)", peripheral: "hci\($0.peripheral)", centralAddress: $0.centralAddress.text,
                        peripheralAddress: $0.peripheralAddress.text, parameters: $0.parameters, counters: $0.counters)
                })
        }
    }
}
