import DBus
import Logging
import SetupCentral
import SetupDaemon
import SetupHistory
import SetupLab
import SetupPrinter
import SetupProtocol
import Synchronization
import Testing
import TestSupport

/// Log lines kept in memory, for the tests that read what the daemon logged.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

/// A lab (simulated BlueZ with `printers` emulated printers on hci1...) on a private bus, and a
/// `SetupDaemon` serving io.smartsetup1 on that bus over hci0; both stopped by the test case's
/// cleanup scope.
struct DaemonBench: Sendable {
    let lab: SimulatedPrinterLab
    let logs: LogLines

    /// With `servingOn` nil no daemon is started in process (the test runs `smartsetup serve`).
    static func start(
        printers: Int = 1, freeAdapters: Int = 1, auth: AuthMethod = .displayedPIN, limits: DaemonLimits = DaemonLimits(),
        servingOn adapters: [String]? = ["hci0"]
    ) async throws -> DaemonBench {
        let bus = try await PrivateBus.start()
        let lab = try await SimulatedPrinterLab.start(
            printers: printers, freeAdapters: freeAdapters, mtu: 247, interval: .milliseconds(2), bus: bus.address,
            configuration: { index in testPrinterConfiguration(shortID: UInt16(0x3F0A + index), auth: auth, networks: TestNetworks.lab) },
            output: { _ in })
        try CleanupScope.atEnd(of: "a lab") { await lab.stop() }
        let logs = LogLines()
        let address = lab.busAddress
        guard let adapters else { return DaemonBench(lab: lab, logs: logs) }
        let history = StoreHistory(store: try HistoryStore(directory: try await stateDirectory()))
        let daemon = SetupDaemon(
            configuration: SetupDaemon.Configuration(bus: .address(address), adapters: adapters, limits: limits, history: history) {
                (name) async throws(SetupError) -> any SetupRadio in try await BlueZRadio.open(adapter: name, bus: .address(address))
            },
            logger: Logger(label: "test") { label in JournalLogHandler(label: label, level: .debug, journald: false) { logs.append($0) } })
        let running = Task { try await daemon.run() }
        try CleanupScope.atEnd(of: "the daemon") {
            running.cancel()
            _ = await running.result
        }
        let bench = DaemonBench(lab: lab, logs: logs)
        let probe = try await bench.client()
        try await eventually("the daemon owns io.smartsetup1") { try await probe.nameOwner(of: ServiceNames.busName) != nil }
        return bench
    }

    /// A new client connection (closed by the cleanup scope).
    func client() async throws -> DBusConnection {
        let connection = try await DBusConnection.open(.address(lab.busAddress))
        try CleanupScope.atEnd(of: "a client") { connection.close() }
        return connection
    }

    /// The PIN printer `index` shows now.
    func pin(_ index: Int = 0) throws -> String {
        try #require(lab.printers[index].presentedPIN).revealedForDisplay()
    }
}

/// Calls on io.smartsetup1 from a test client.
extension DBusConnection {
    func callService(
        _ path: String, _ interface: String, _ member: String, _ body: [DBusValue] = [], timeout: Duration = .seconds(10)
    ) async throws -> [DBusValue] {
        try await call(
            .methodCall(destination: ServiceNames.busName, path: try DBusObjectPath(path), interface: interface, member: member, body: body),
            timeout: timeout
        ).body
    }

    /// `Manager1.<method>(request)` -> the job's path.
    func submit(_ method: String, _ request: [String: DBusValue]) async throws -> String {
        let reply = try await callService(ServiceNames.managerPath, ServiceNames.manager, method, [.propertyDictionary(request)])
        guard case .objectPath(let path)? = reply.first else { throw DBusError(.typeMismatch, message: "no job path") }
        return path.rawValue
    }

    func property(_ path: String, _ interface: String, _ name: String) async throws -> DBusValue {
        let reply = try await callService(path, "org.freedesktop.DBus.Properties", "Get", [.string(interface), .string(name)])
        guard case .variant(let value)? = reply.first else { throw DBusError(.typeMismatch, message: "no variant") }
        return value
    }

    func jobProperties(_ path: String) async throws -> [String: DBusValue] {
        let reply = try await callService(path, "org.freedesktop.DBus.Properties", "GetAll", [.string(ServiceNames.job)])
        return try reply[0].propertyDictionary()
    }

    /// Waits until the job reaches a final state; returns its properties.
    func finished(_ path: String, within timeout: Duration = .seconds(60)) async throws -> [String: DBusValue] {
        var properties: [String: DBusValue] = [:]
        try await eventually("job \(path) finished", within: timeout, every: .milliseconds(50)) {
            properties = try await jobProperties(path)
            return ["succeeded", "failed", "cancelled"].contains(properties["State"]?.string ?? "")
        }
        return properties
    }
}

/// An `io.smartsetup1.Agent1` exported by a test client: answers with `answer` and records
/// every call (member and arguments, never checked for secrets here).
final class TestAgent: Sendable {
    final class CallLog: Sendable {
        let entries = Mutex<[(String, [DBusValue])]>([])
    }

    let log = CallLog()
    let server: DBusObjectServer

    init(on connection: DBusConnection, path: String = "/test/agent", answer: @escaping @Sendable (String, [DBusValue]) async throws(DBusError) -> [DBusValue]) throws {
        server = DBusObjectServer(connection: connection)
        let log = self.log
        func method(_ name: String, _ inputs: [DBusArgument], _ outputs: [DBusArgument]) -> DBusExportedMethod {
            DBusExportedMethod(name, inputs: inputs, outputs: outputs) { invocation throws(DBusError) in
                log.entries.withLock { $0.append((name, invocation.arguments)) }
                return try await answer(name, invocation.arguments)
            }
        }
        try server.register([
            DBusExportedInterface(ServiceNames.agent, methods: [
                method("RequestPIN", [.init("job", .objectPath), .init("printer", .string), .init("attempt", .uint32)], [.init("pin", .string)]),
                method("RequestPassphrase", [.init("job", .objectPath), .init("ssid", .array(.byte))], [.init("passphrase", .unixFD)]),
                method("ConfirmButton", [.init("job", .objectPath), .init("printer", .string)], []),
                method("Cancel", [.init("job", .objectPath)], []),
            ])
        ], at: try DBusObjectPath(path))
    }

    var members: [String] { log.entries.withLock { $0.map(\.0) } }
}
