import BlueZ
import DBus
import SetupCentral
import SetupPrinter
import SetupProtocol
import SimulatedBlueZ

/// The simulated BlueZ with emulated printers on it: adapter hci0 is left for the central,
/// printer *i* advertises on hci*i+1*, and any further free adapters come after the printers'.
/// What `smartsetup sim`, `smartsetup demo`, the end-to-end
/// tests and the benchmark run on.
public final class SimulatedPrinterLab: Sendable {
    /// The simulated bluetoothd.
    public let simulator: SimulatedBlueZ
    /// The bus it owns `org.bluez` on (for `DBUS_SYSTEM_BUS_ADDRESS`).
    public let busAddress: String
    /// The printers, in adapter order.
    public let printers: [EmulatedPrinter]
    /// The adapters no printer uses, for centrals or a caller's own peripherals: hci0, then
    /// those after the printers' (`hci<printers+1>`, ...).
    public let freeAdapters: [String]
    private let hosts: [BlueZPrinterHost]
    private let session: BlueZSession?
    /// The well-known name, object path and interface of the lab's control object, whose
    /// `PressButton(s short_id)` presses an emulated printer's setup button.
    public static let controlBusName = LabControl.busName
    public static let controlPath = LabControl.pathText
    public static let controlInterface = LabControl.interfaceName

    /// The printers' buttons over D-Bus (``LabControl``).
    private let control: LabControl?

    private init(
        simulator: SimulatedBlueZ, busAddress: String, printers: [EmulatedPrinter], freeAdapters: [String], hosts: [BlueZPrinterHost],
        session: BlueZSession?, control: LabControl? = nil
    ) {
        self.control = control
        self.simulator = simulator
        self.busAddress = busAddress
        self.printers = printers
        self.freeAdapters = freeAdapters
        self.hosts = hosts
        self.session = session
    }

    /// Starts the simulator (on its own dbus-daemon, or on `bus`) with `count` printers made by
    /// `configuration(i)` and `freeAdapters` adapters no printer uses (at least 1: hci0, the
    /// central's; values below 1 count as 1); the printers' display lines go to `output`.
    public static func start(
        printers count: Int, freeAdapters free: Int = 1, mtu: Int = 517, interval: Duration = .milliseconds(30), bus: String? = nil,
        configuration: (Int) -> EmulatorConfiguration = { EmulatorConfiguration(shortID: ShortID(UInt16(0x3F0A + $0))) },
        output: @escaping @Sendable (String) -> Void
    ) async throws(LabError) -> SimulatedPrinterLab {
        let free = max(free, 1)
        let freeAdapters = ["hci0"] + (0..<(free - 1)).map { "hci\(count + 1 + $0)" }
        let simulatorConfiguration = SimulatorConfiguration(adapterCount: count + free, mtu: UInt16(clamping: mtu), connectionInterval: interval)
        let simulator: SimulatedBlueZ
        do {
            if let bus {
                simulator = try await SimulatedBlueZ.start(busAddress: bus, configuration: simulatorConfiguration)
            } else {
                simulator = try await SimulatedBlueZ.startWithPrivateBus(configuration: simulatorConfiguration)
            }
        } catch {
            throw LabError.simulatorUnavailable("cannot start the simulated BlueZ: \(error.message)", cause: error)
        }
        guard let address = simulator.busAddress ?? bus else {
            await simulator.stop()
            throw LabError.simulatorUnavailable("the simulated BlueZ has no bus address", cause: nil)
        }
        guard count > 0 else {
            return SimulatedPrinterLab(simulator: simulator, busAddress: address, printers: [], freeAdapters: freeAdapters, hosts: [], session: nil)
        }
        // What is started so far, stopped again should a later step fail.
        var opened: BlueZSession?
        var hosts: [BlueZPrinterHost] = []
        do throws(LabError) {
            let connection: DBusConnection
            do { connection = try await DBusConnection.open(.address(address)) } catch {
                throw LabError.simulatorUnavailable("cannot reach the simulated BlueZ's bus", cause: error)
            }
            let session: BlueZSession
            do { session = try await BlueZSession.open(connection) } catch {
                connection.close()
                throw LabError.simulatorUnavailable("cannot open the simulated BlueZ: \(error.message)", cause: error)
            }
            opened = session
            var printers: [EmulatedPrinter] = []
            for index in 0..<count {
                let printer: EmulatedPrinter
                do { printer = try EmulatedPrinter(configuration: configuration(index), output: output) } catch {
                    throw LabError.invalidPrinterConfiguration(printer: index + 1, cause: error)
                }
                await printer.start()
                do {
                    let adapter = try session.adapter(named: "hci\(index + 1)")
                    hosts.append(try await BlueZPrinterHost.start(printer, on: adapter))
                } catch {
                    throw LabError.printerNotStarted(printer: index + 1, adapter: "hci\(index + 1)", cause: error)
                }
                printers.append(printer)
            }
            let control: LabControl
            do { control = try await LabControl.start(printers: printers, bus: address) } catch {
                throw LabError.simulatorUnavailable("cannot export the printers' control object: \(error.message)", cause: error)
            }
            return SimulatedPrinterLab(
                simulator: simulator, busAddress: address, printers: printers, freeAdapters: freeAdapters, hosts: hosts, session: session,
                control: control)
        } catch {
            for host in hosts { await host.stop() }
            opened?.close()
            opened?.connection.close()
            await simulator.stop()
            throw error
        }
    }

    /// A central radio on `adapter` of the simulated BlueZ: hci0, or another of ``freeAdapters``.
    /// It has a D-Bus connection of its own, which is the caller's to release with
    /// ``BlueZRadio/close()`` (``stop()`` does not know it).
    public func centralRadio(adapter: String = "hci0") async throws(SetupError) -> BlueZRadio {
        try await BlueZRadio.open(adapter: adapter, bus: .address(busAddress))
    }

    /// Stops the printers and the simulator and closes every D-Bus connection the lab opened
    /// (the simulator's, the printers' and the control object's): a stopped lab holds no file
    /// descriptor, referenced or not. Call it once, when done.
    public func stop() async {
        control?.stop()
        for host in hosts { await host.stop() }
        session?.close()
        session?.connection.close()
        await simulator.stop()
    }

    /// The D-Bus connections the lab opened besides the simulator's: the printers' session's
    /// and the control object's (for tests of the lab's lifetime).
    var connections: [DBusConnection] {
        [session?.connection, control?.connection].compactMap { $0 }
    }
}
