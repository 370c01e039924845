import BlueZ
import DBus
import Foundation
import SetupCentral
import SetupLab
import SetupPrinter
import SetupProtocol
import SimulatedBlueZ
import Testing

/// Networks with short join times.
let fastNetworks = NetworkTable(networks: [
    WiFiNetwork(ssid: "HomeNet", security: "wpa2-psk", passphrase: "correct horse battery", rssi: -45, channel: 6, band: "2.4",
                joinTimeMs: 40, address: "192.168.1.57/24"),
    WiFiNetwork(ssid: "StaticOnly", security: "wpa2-psk", passphrase: "static only net", rssi: -62, channel: 149, band: "5",
                dhcp: .staticOnly, joinTimeMs: 40),
    WiFiNetwork(ssid: "Slow", security: "wpa2-psk", passphrase: "slow access point", rssi: -80, channel: 3, band: "2.4",
                joinTimeMs: 20_000, address: "192.168.9.9/24"),
])

/// A lab with `count` printers (short ids 3F0A, 3F0B, ...), fast networks and a short interval.
func startLab(printers count: Int = 1, mtu: Int = 247, auth: AuthMethod = .displayedPIN) async throws -> SimulatedPrinterLab {
    try await SimulatedPrinterLab.start(
        printers: count, mtu: mtu, interval: .milliseconds(2),
        configuration: { index in
            var configuration = EmulatorConfiguration(shortID: ShortID(UInt16(0x3F0A + index)), authMethod: auth, networks: fastNetworks)
            configuration.joinTimeout = .seconds(30)
            return configuration
        },
        output: { _ in })
}

func service(_ lab: SimulatedPrinterLab) async throws -> SmartSetup {
    var options = SmartSetup.Options()
    options.scanTimeout = .seconds(3)
    return SmartSetup(radio: try await lab.centralRadio(), options: options)
}

func credentials(ssid: String = "HomeNet", passphrase: String = "correct horse battery", staticIPv4: StaticIPv4? = nil) throws -> WiFiCredentials {
    try WiFiCredentials(ssid: Array(ssid.utf8), security: .wpa2PSK, passphrase: try WiFiPassphrase(passphrase), staticIPv4: staticIPv4)
}

func target(_ printer: EmulatedPrinter) throws -> PrinterTarget {
    guard let pin = printer.presentedPIN else { throw SetupError(.internalError, "no PIN shown") }
    return PrinterTarget(selector: PrinterSelector(printer.configuration.shortID.description), authentication: .pin(pin))
}

func wrongPIN(not pin: SetupPIN?) -> SetupPIN {
    var random = SystemRandomSource()
    while true {
        let candidate = SetupPIN.generate(using: &random)
        if candidate != pin { return candidate }
    }
}

/// The built `smartsetup` executable, next to the test bundle.
var smartsetupExecutable: URL {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for directory in [beside, beside.deletingLastPathComponent()] {
        let candidate = directory.appendingPathComponent("smartsetup")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/smartsetup")
}

/// What a run of the executable produced.
struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String

    /// The stdout lines parsed as JSON objects.
    var jsonLines: [[String: Any]] {
        stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }
}

/// Runs `smartsetup` with `arguments`, killing it after `deadline` (no hang).
func runSmartsetup(_ arguments: [String], environment: [String: String] = [:], deadline: Duration = .seconds(90)) async throws -> RunResult {
    let process = Process()
    process.executableURL = smartsetupExecutable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { process in continuation.resume(returning: process.terminationStatus) }
        do { try process.run() } catch {
            process.terminationHandler = nil
            continuation.resume(throwing: error)
            return
        }
        Task {
            try? await Task.sleep(for: deadline)
            if process.isRunning { process.terminate() }
        }
    }
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return RunResult(status: status, stdout: stdout, stderr: stderr)
}

/// An emulated printer on hci1 of a simulated BlueZ, started and stopped by hand (the lab keeps
/// its printers for its whole life), and a service on hci0.
struct HandStartedPrinter {
    let simulator: SimulatedBlueZ
    let session: BlueZSession
    let printer: EmulatedPrinter
    let host: BlueZPrinterHost
    let service: SmartSetup

    static func start(scanTimeout: Duration = .milliseconds(500), interval: Duration = .milliseconds(2)) async throws -> HandStartedPrinter {
        let simulator = try await SimulatedBlueZ.startWithPrivateBus(configuration: SimulatorConfiguration(connectionInterval: interval))
        let bus = try #require(simulator.busAddress)
        let session = try await BlueZSession.open(try await DBusConnection.open(.address(bus)))
        var configuration = EmulatorConfiguration(shortID: ShortID(0x3F0A), networks: fastNetworks)
        configuration.joinTimeout = .seconds(30)
        let printer = try EmulatedPrinter(configuration: configuration, output: { _ in })
        await printer.start()
        let host = try await BlueZPrinterHost.start(printer, on: try session.adapter(named: "hci1"))
        var options = SmartSetup.Options()
        options.scanTimeout = scanTimeout
        options.connectTimeout = .seconds(10)
        let service = SmartSetup(radio: try await BlueZRadio.open(adapter: "hci0", bus: .address(bus)), options: options)
        return HandStartedPrinter(simulator: simulator, session: session, printer: printer, host: host, service: service)
    }

    func stop() async {
        await host.stop()
        session.close()
        await simulator.stop()
    }
}
