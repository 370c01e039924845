import ArgumentParser
import DBus
#if canImport(Glibc)
import Glibc
#endif
import SetupCentral
import SetupLab
import SetupProtocol
import SimulatedBlueZ
import SimulatedNetworkManager

/// `smartsetup sim`: the simulated BlueZ, optionally with emulated printers.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the simulated BlueZ (org.bluez on a private bus) until SIGINT/SIGTERM.",
        discussion: """
            Prints `export DBUS_SYSTEM_BUS_ADDRESS=...` on stdout for a shell to eval; printers' displays go to stderr.
            Adapter hci0 is for the central; printer i advertises on hci<i>; with --adapters N, the N-1 further free
            adapters follow the printers' (a bleak client should pin one: bluez={"adapter": "hci0"}).
              eval "$(smartsetup sim --printers 1 &)"   # stdout closes after that line, so eval returns
            """,
        subcommands: [SimFaultCommand.self, SimButtonCommand.self])

    @Option(parsing: .unconditional, help: "Emulated printers to run in this process (short ids 3F0A, 3F0B, ...; 0 to 64).")
    var printers: Int = 0

    @Option(parsing: .unconditional, help: "Free adapters beside the printers' own: hci0, then after the printers' (1 to 16).")
    var adapters: Int = 1

    @Option(parsing: .unconditional, help: "Connection interval in milliseconds (0 to 4000; each ATT operation costs at least one).")
    var intervalMs: Int = 30

    @Option(parsing: .unconditional, help: "ATT MTU of the links (23...517).")
    var mtu: Int = 517

    @Option(help: "Use this bus instead of starting a dbus-daemon.")
    var bus: String?

    @Option(name: .customLong("host-wifi"), help: ArgumentHelp("Also run a simulated NetworkManager whose active Wi-Fi is this network of the printers' table (for pair --host-wifi).", valueName: "SSID"))
    var hostWiFi: String?

    func validate() throws {
        try NumberOptions.integer(mtu, "--mtu", in: 23...517)
        try NumberOptions.integer(printers, "--printers", in: 0...64)
        try NumberOptions.integer(adapters, "--adapters", in: 1...16)
        try NumberOptions.integer(intervalMs, "--interval-ms", in: 0...NumberOptions.maximumIntervalMs)
    }

    func run() async throws {
        let console = Console(json: false)
        try await runReporting(console) { () throws(SetupError) in
            let lab = try await SimulatedPrinterLab.startForCommand(
                printers: printers, freeAdapters: adapters, mtu: mtu, interval: .milliseconds(intervalMs), bus: bus, output: { console.note($0) })
            var networkManager: SimulatedNetworkManager?
            do throws(SetupError) {
                if let hostWiFi {
                    networkManager = try await SimulatedHostWiFi.start(busAddress: lab.busAddress, profile: try SimulatedHostWiFi.profile(ssid: hostWiFi))
                }
            } catch {
                await lab.stop()
                throw error
            }
            console.line("export DBUS_SYSTEM_BUS_ADDRESS='\(lab.busAddress)'")
            console.note("free adapters: \(lab.freeAdapters.joined(separator: " "))")
            Self.closeStandardOutput()
            await Termination.wait()
            await networkManager?.stop()
            await lab.stop()
        }
    }
}

extension SimCommand {
    /// Points stdout at /dev/null once the export line is out, so that a shell's
    /// `eval "$(smartsetup sim &)"` sees end-of-file and returns while the simulator runs on
    /// (the pattern of ssh-agent). Everything else `sim` says goes to stderr.
    static func closeStandardOutput() {
        let devNull = open("/dev/null", O_WRONLY)
        guard devNull >= 0 else { return }
        _ = dup2(devNull, STDOUT_FILENO)
        close(devNull)
    }
}

/// `smartsetup sim fault ...`: the simulator's fault hooks, over its control interface.
struct SimFaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fault",
        abstract: "Inject a fault into a running simulated BlueZ (DBUS_SYSTEM_BUS_ADDRESS or --sim-bus).",
        discussion: "FAULT is one of: disconnect ADDRESS, drop-notification, duplicate-notification, delay-notification MS, restart-bluetoothd, remove-adapter hciN, add-adapter hciN (plug a removed one back in).")

    @Option(help: "The simulator's bus (default: DBUS_SYSTEM_BUS_ADDRESS, as `sim` prints it).")
    var simBus: String?

    @Argument(help: "The fault and its argument.")
    var fault: [String]

    func run() async throws {
        let console = Console(json: false)
        try await runReporting(console) { () throws(SetupError) in
            let (member, body) = try Self.call(for: fault)
            let connection: DBusConnection
            do throws(DBusError) { connection = try await DBusConnection.open(simBus.map { .address($0) } ?? .system) } catch {
                throw SetupError(.noAdapter, "cannot reach the simulator's bus: \(error.message)", cause: error)
            }
            defer { connection.close() }
            let reply: DBusMessage
            do throws(DBusError) {
                let path = try DBusObjectPath(SimulatedBlueZ.controlPathText)
                reply = try await connection.call(.methodCall(destination: "org.bluez", path: path, interface: SimulatedBlueZ.controlInterfaceName, member: member, body: body))
            } catch {
                // A fault naming something the simulator does not have is the caller's mistake.
                throw SetupError(error.kind == .invalidArguments ? .usage : .internalError, "the simulator refused \(member): \(error.message)", cause: error)
            }
            if member == "Disconnect", reply.body.first?.uint32 == 0 {
                throw SetupError(.usage, "no link to \(fault[1]): nothing was disconnected")
            }
            console.line("ok: \(member)")
        }
    }

    static func call(for words: [String]) throws(SetupError) -> (String, [DBusValue]) {
        switch (words.first, words.count) {
        case ("disconnect", 2): return ("Disconnect", [.string(words[1])])
        case ("drop-notification", 1): return ("DropNextNotification", [])
        case ("duplicate-notification", 1): return ("DuplicateNextNotification", [])
        case ("delay-notification", 2):
            guard let milliseconds = UInt32(words[1]) else { throw SetupError(.usage, "delay-notification takes milliseconds") }
            return ("DelayNextNotification", [.uint32(milliseconds)])
        case ("restart-bluetoothd", 1): return ("RestartBluetoothd", [])
        case ("remove-adapter", 2): return ("RemoveAdapter", [.string(words[1])])
        case ("add-adapter", 2): return ("AddAdapter", [.string(words[1])])
        default: throw SetupError(.usage, "unknown fault; see --help")
        }
    }
}
