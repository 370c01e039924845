import DBus
import SimulatedBlueZ
import Synchronization
import Testing
import TestSupport

func path(_ text: String) throws -> DBusObjectPath { try DBusObjectPath(text) }

/// Collects every signal a connection receives from org.bluez, in order.
///
/// A consuming task fills the log, so a method's reply can reach the test before the signals the
/// simulator sent ahead of it reach the log. ``catchUp(on:)`` closes that gap: the connection
/// sends itself a marker signal, which the bus delivers after everything it already routed to
/// it, and waits until the log has read up to the marker.
final class SignalLog: Sendable {
    final class Store: Sendable {
        let messages = Mutex<[DBusMessage]>([])
        let markersSeen = Mutex<UInt64>(0)
    }

    static let markerInterface = "io.smartsetup.test.SignalLog"
    static let markerPath = "/io/smartsetup/test/SignalLog"

    let store = Store()
    let task: Task<Void, Never>
    private let markersSent = Mutex<UInt64>(0)

    /// Logs the signals of `stream` (every signal the connection gets) that `bluez` (the
    /// simulator's unique name) sent, and notes the markers.
    init(stream: DBusSignalStream, bluez: String) {
        let store = self.store
        task = Task {
            do {
                for try await message in stream {
                    if message.sender == bluez {
                        store.messages.withLock { $0.append(message) }
                    } else if message.interface == Self.markerInterface, case .uint64(let marker)? = message.body.first {
                        store.markersSeen.withLock { $0 = max($0, marker) }
                    }
                }
            } catch {}
        }
    }

    /// Returns once the log holds every signal `connection` (the logging one) received before now.
    func catchUp(on connection: DBusConnection) async throws {
        let marker = markersSent.withLock { sent -> UInt64 in
            sent += 1
            return sent
        }
        _ = try connection.send(.signal(
            path: try DBusObjectPath(Self.markerPath), interface: Self.markerInterface, member: "Marker", body: [.uint64(marker)]))
        try await eventually("the signal log catching up with marker \(marker)", within: .seconds(10), every: .milliseconds(1)) {
            store.markersSeen.withLock { $0 } >= marker
        }
    }

    deinit { task.cancel() }

    var all: [DBusMessage] { store.messages.withLock { $0 } }

    /// PropertiesChanged at `path` that set property `name`, newest last.
    func changes(of name: String, at path: String) -> [DBusValue] {
        all.compactMap { message in
            guard message.member == "PropertiesChanged", message.path?.rawValue == path, message.body.count >= 2,
                let changed = try? message.body[1].propertyDictionary()
            else { return nil }
            return changed[name]
        }
    }

    func interfacesAdded(at path: String) -> Bool {
        all.contains { $0.member == "InterfacesAdded" && $0.body.first?.objectPath?.rawValue == path }
    }

    func interfacesRemoved(at path: String) -> Bool {
        all.contains { $0.member == "InterfacesRemoved" && $0.body.first?.objectPath?.rawValue == path }
    }

    /// The paths of every InterfacesAdded (or InterfacesRemoved) from the `after`-th signal on,
    /// in order.
    func objectPaths(of member: String, after: Int = 0) -> [String] {
        all.dropFirst(after).compactMap { $0.member == member ? $0.body.first?.objectPath?.rawValue : nil }
    }

    /// The PropertiesChanged signals at `path` from the `after`-th signal on, each as the
    /// names of the properties it set, in order.
    func changedNames(at path: String, after: Int = 0) -> [[String]] {
        all.dropFirst(after).compactMap { message in
            guard message.member == "PropertiesChanged", message.path?.rawValue == path, message.body.count >= 2,
                let changed = try? message.body[1].propertyDictionary()
            else { return nil }
            return changed.keys.sorted()
        }
    }
}

/// A private bus (TestSupport's `PrivateBus`) with the simulator on it and two client
/// connections: a central and a peripheral (which exports a test application). Stopped by the
/// suite's `.cleansUp` scope when the test case ends; ``stop()`` may also be called earlier.
struct SimulatorHarness {
    let bus: PrivateBus
    let simulator: SimulatedBlueZ
    let central: DBusConnection
    let peripheral: DBusConnection
    let log: SignalLog

    static func start(configuration: SimulatorConfiguration = .init(connectionInterval: .zero)) async throws -> SimulatorHarness {
        let bus = try await PrivateBus.start()
        let simulator = try await SimulatedBlueZ.start(busAddress: bus.address, configuration: configuration)
        try CleanupScope.atEnd(of: "the simulator") { await simulator.stop() }
        let central = try await DBusConnection.open(.address(bus.address))
        let peripheral = try await DBusConnection.open(.address(bus.address))
        // Every signal: the simulator's and the log's own markers (see SignalLog.catchUp).
        let stream = try await central.signals(matching: DBusMatchRule())
        let bluez = try #require(try await central.nameOwner(of: "org.bluez"))
        let harness = SimulatorHarness(
            bus: bus, simulator: simulator, central: central, peripheral: peripheral, log: SignalLog(stream: stream, bluez: bluez))
        try CleanupScope.atEnd(of: "a simulator harness") { await harness.stop() }
        return harness
    }

    /// Closes both connections, stops the simulator and the bus. Idempotent.
    func stop() async {
        central.close()
        peripheral.close()
        await simulator.stop()
        await bus.stop()
    }

    /// Calls a method of org.bluez from the central.
    @discardableResult
    func call(_ path: String, _ interface: String, _ member: String, _ body: [DBusValue] = [], on connection: DBusConnection? = nil) async throws -> [DBusValue] {
        let reply = try await (connection ?? central).call(
            .methodCall(destination: "org.bluez", path: try DBusObjectPath(path), interface: interface, member: member, body: body),
            timeout: .seconds(30))
        // What the simulator signalled before its reply is in the log when the caller looks.
        try await log.catchUp(on: central)
        return reply.body
    }

    func property(_ path: String, _ interface: String, _ name: String) async throws -> DBusValue {
        let body = try await call(path, "org.freedesktop.DBus.Properties", "Get", [.string(interface), .string(name)])
        return try #require(body.first?.unwrappedVariant)
    }

    func managedObjects() async throws -> [DBusObjectPath: [String: [String: DBusValue]]] {
        let body = try await call("/", "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")
        return try #require(body.first).managedObjects()
    }

    /// The error a call fails with.
    func failure(_ path: String, _ interface: String, _ member: String, _ body: [DBusValue] = [], on connection: DBusConnection? = nil) async -> DBusError? {
        do {
            try await call(path, interface, member, body, on: connection)
            return nil
        } catch let error as DBusError {
            return error
        } catch {
            return nil
        }
    }

    /// Registers `app` and its advertisement on hci1, starts an unfiltered discovery on hci0
    /// and waits for the app's device there. Returns the device path.
    @discardableResult
    func discoverPeripheral(_ app: TestPeripheral) async throws -> String {
        try await app.register(on: "/org/bluez/hci1")
        try await call("/org/bluez/hci0", "org.bluez.Adapter1", "StartDiscovery")
        let device = "/org/bluez/hci0/dev_00_AA_01_01_00_01"
        try await eventually("the device") { log.interfacesAdded(at: device) }
        return device
    }

    /// The app stops advertising on hci1 (its application stays registered).
    func stopAdvertising(_ app: TestPeripheral) async throws {
        try await call("/org/bluez/hci1", "org.bluez.LEAdvertisingManager1", "UnregisterAdvertisement",
                       [.objectPath(try DBusObjectPath("/org/test/advertisement0"))], on: peripheral)
    }

    /// Registers `app` and its advertisement on hci1, scans from hci0 (filtered on the app's
    /// service), connects, and waits for ServicesResolved. Returns the device path.
    func connectToPeripheral(_ app: TestPeripheral) async throws -> String {
        try await app.register(on: "/org/bluez/hci1")
        let filter: DBusValue = .propertyDictionary(["Transport": .string("le"), "UUIDs": .stringArray([TestPeripheral.serviceUUID])])
        try await call("/org/bluez/hci0", "org.bluez.Adapter1", "SetDiscoveryFilter", [filter])
        try await call("/org/bluez/hci0", "org.bluez.Adapter1", "StartDiscovery")
        let device = "/org/bluez/hci0/dev_00_AA_01_01_00_01"
        try await eventually("the device") { log.interfacesAdded(at: device) }
        try await call("/org/bluez/hci0", "org.bluez.Adapter1", "StopDiscovery")
        try await call(device, "org.bluez.Device1", "Connect")
        try await eventually("ServicesResolved") { log.changes(of: "ServicesResolved", at: device).contains(.boolean(true)) }
        // Resolution ends with {Name, Alias, Modalias} (the GAP name): wait for it too, so that
        // callers marking the log after this see only what they caused.
        try await eventually("the GAP name") { !log.changes(of: "Modalias", at: device).isEmpty }
        return device
    }
}
