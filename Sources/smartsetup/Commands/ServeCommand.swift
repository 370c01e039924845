import ArgumentParser
import BlueZ
import DBus
import Logging
import ServiceLifecycle
import SetupCentral
import SetupDaemon
import SetupHistory
import SetupMetrics

/// `smartsetup serve`: the kiosk service, `io.smartsetup1` on the system bus (Protocol/dbus-api.md).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the kiosk service: the io.smartsetup1 D-Bus API with jobs, agents and discovery.",
        discussion: """
            Owns io.smartsetup1 on the system bus (or --bus) and talks to BlueZ, and to NetworkManager \
            for HostNetwork requests, on the system bus (DBUS_SYSTEM_BUS_ADDRESS selects another; \
            --bus moves only the service's own name). SIGTERM or SIGINT stops it: queued and running \
            jobs are cancelled and recorded, the name is released, and it exits 0. Logs go to stderr, \
            with journald priority prefixes when JOURNAL_STREAM is set. The API: Protocol/dbus-api.md.
            """)

    @Option(help: "The bus to own io.smartsetup1 on (a D-Bus address); the system bus when omitted.")
    var bus: String?

    @Option(help: "An adapter to use (repeatable); every adapter BlueZ has at start when omitted.")
    var adapter: [String] = []

    @Option(help: "Where the history of finished jobs is kept (history.sqlite; created 0700 if missing).")
    var stateDir: String = "/var/lib/smartsetup"

    @Option(help: "A Prometheus text file rewritten (atomically) after every finished job, for node_exporter's textfile collector.")
    var metricsFile: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Option(help: "How many jobs run at once on one adapter (1 to 8).")
    var jobsPerAdapter: Int = DaemonLimits().jobsPerAdapter

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical") }
        try NumberOptions.integer(jobsPerAdapter, "--jobs-per-adapter", in: 1...8)
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let logger = Logger(label: "smartsetup.serve") { label in JournalLogHandler(label: label, level: level) }
        let console = Console(json: false)
        let adapters: [String]
        do throws(SetupError) {
            adapters = adapter.isEmpty ? try await Self.bluezAdapters() : adapter
        } catch {
            throw ExitCode(console.report(error))
        }
        let store: HistoryStore
        do throws(HistoryError) { store = try HistoryStore(directory: stateDir) } catch {
            throw ExitCode(console.report(SetupError(.internalError, "cannot open the history: \(error.message)")))
        }
        let radios = AdapterRadios()
        var limits = DaemonLimits()
        limits.jobsPerAdapter = jobsPerAdapter
        let daemon = SetupDaemon(
            configuration: SetupDaemon.Configuration(
                bus: bus.map(DBusBusAddress.address) ?? .system, adapters: adapters, limits: limits,
                history: MeteredHistory(
                    inner: StoreHistory(store: store), metrics: MetricsRecorder(), file: metricsFile,
                    report: { logger.warning("\($0)") })
            ) {
                (name) async throws(SetupError) -> any SetupRadio in try await radios.radio(name)
            },
            logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: daemon)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as SetupDaemon.StartError {
            throw ExitCode(console.report(SetupError(.serviceUnavailable, error.description)))
        }
    }

    /// The adapters BlueZ has now.
    static func bluezAdapters() async throws(SetupError) -> [String] {
        do {
            let session = try await BlueZSession.open(try await DBusConnection.open(.system))
            defer {
                session.close()
                session.connection.close()
            }
            let names = session.adapters().map(\.name).sorted()
            guard !names.isEmpty else { throw SetupError(.noAdapter, "BlueZ has no adapter") }
            return names
        } catch let error as SetupError {
            throw error
        } catch {
            throw SetupError(.noAdapter, "BlueZ is not reachable: \(error)", cause: error)
        }
    }
}
