import DBus

/// `smartsetup doctor`: runs the checklist (kernel, rfkill, controllers through libbluetooth,
/// bluetoothd over the system bus, BlueZ's configuration, the smartsetup daemon, NetworkManager)
/// and returns the report. Read-only: it changes nothing on the machine.
public struct Doctor: Sendable {
    /// What to check and where.
    public struct Options: Sendable {
        /// Only this adapter (e.g. `hci0`); all when nil.
        public var adapter: String?
        /// The system bus (`.system` honours `DBUS_SYSTEM_BUS_ADDRESS`).
        public var bus: DBusBusAddress = .system
        /// BlueZ's configuration file.
        public var mainConfPath: String = BlueZMainConf.defaultPath
        /// The rfkill class directory.
        public var rfkillRoot: String = "/sys/class/rfkill"
        /// The deadline of each D-Bus call and of `bluetoothd --version`.
        public var timeout: Duration = .seconds(5)

        /// The defaults: every adapter, the system bus, the system's files.
        public init() {}
    }

    /// The options.
    public var options: Options

    /// A doctor with `options`.
    public init(options: Options = Options()) {
        self.options = options
    }

    /// Runs every check. The controller lines are skipped when the kernel has no Bluetooth.
    public func run() async -> DoctorReport {
        var checks = [KernelBluetooth.check(socketError: KernelBluetooth.socketError())]
        if checks[0].status == .ok {
            checks.append(RfkillSwitch.check(RfkillSwitch.list(root: options.rfkillRoot)))
            checks.append(contentsOf: ControllerChecks.checks(HCIController.list(), adapter: options.adapter))
        } else {
            checks.append(DoctorCheck(
                id: "controllers", title: "Bluetooth controllers", status: .skipped,
                found: "not checked: the kernel has no Bluetooth"))
        }
        let version = await InstalledBluetoothd.version(timeout: options.timeout)
        checks.append(contentsOf: await SystemBusChecks(bus: options.bus, adapter: options.adapter, timeout: options.timeout).run(bluetoothdVersion: version))
        checks.append(contentsOf: BlueZMainConf.checks(BlueZMainConf.read(path: options.mainConfPath), path: options.mainConfPath))
        return DoctorReport(checks: checks)
    }
}
