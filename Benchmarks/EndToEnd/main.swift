// The end-to-end figures of issue 4, over the simulated BlueZ (a private dbus-daemon, the BlueZ
// client library on both sides, emulated printers joining a network that takes no time):
//   1. ATT round trips from services resolved to credentials accepted (goal <= 3: the CCC write and 2 protocol messages, SPEC §3), MTU 23 and 247;
//   2. pairing wall time at the connection interval against its lower bound, the ATT operations
//      the simulator relayed x the interval (goal <= 1.25x);
//   3. N printers paired in parallel from one process against one (goal <= 2x wall).
// Usage: swift run -c release EndToEndBenchmark [interval-ms (30)] [parallel printers (32)]
import Foundation
import SetupCentral
import SetupLab
import SetupPrinter
import SetupProtocol

let arguments = CommandLine.arguments.dropFirst()
let intervalMs = arguments.first.flatMap(Int.init) ?? 30
let parallel = arguments.dropFirst().first.flatMap(Int.init) ?? 32
let interval = Duration.milliseconds(intervalMs)

let instantNetwork = NetworkTable(networks: [
    WiFiNetwork(ssid: "HomeNet", security: "wpa2-psk", passphrase: "correct horse battery", rssi: -45, channel: 6, band: "2.4",
                joinTimeMs: 0, address: "192.168.1.57/24"),
])

func startLab(printers: Int, mtu: Int) async throws -> SimulatedPrinterLab {
    try await SimulatedPrinterLab.start(
        printers: printers, mtu: mtu, interval: interval,
        configuration: { EmulatorConfiguration(shortID: ShortID(UInt16(0x1000 + $0)), networks: instantNetwork) }, output: { _ in })
}

func request(for printer: EmulatedPrinter) throws -> PairRequest {
    guard let pin = printer.presentedPIN else { throw SetupError(.internalError, "no PIN") }
    let credentials = try WiFiCredentials(ssid: Array("HomeNet".utf8), security: .wpa2PSK, passphrase: try WiFiPassphrase("correct horse battery"))
    return PairRequest(target: PrinterTarget(selector: PrinterSelector(printer.configuration.shortID.description), authentication: .pin(pin)), credentials: credentials)
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func format(_ value: Double) -> String { String(format: "%.0f", value) }

/// When the link was up (services resolved, notifications on).
final class ConnectedAt: @unchecked Sendable {
    private let lock = NSLock()
    private var instant: ContinuousClock.Instant?
    func set(_ value: ContinuousClock.Instant) { lock.withLock { instant = value } }
    var value: ContinuousClock.Instant? { lock.withLock { instant } }
}

/// One pairing on a fresh lab: (result, whole wall, wall from connected, ATT operations relayed).
func pairOnce(mtu: Int) async throws -> (PairResult, Duration, Duration, UInt64) {
    let lab = try await startLab(printers: 1, mtu: mtu)
    let service = SmartSetup(radio: try await lab.centralRadio())
    let clock = ContinuousClock()
    let connected = ConnectedAt()
    let start = clock.now
    let result = try await service.pair(try request(for: lab.printers[0])) { step in
        if case .connected = step { connected.set(clock.now) }
    }
    let end = clock.now
    let operations = lab.simulator.counters.total.operations
    await lab.stop()
    return (result, start.duration(to: end), (connected.value ?? start).duration(to: end), operations)
}

print("smartsetup end-to-end benchmark: simulated BlueZ, connection interval \(intervalMs) ms")
for mtu in [23, 247] {
    let (result, wall, session, operations) = try await pairOnce(mtu: mtu)
    let bound = Double(operations) * Double(intervalMs)
    let sessionBound = Double(result.total.operations) * Double(intervalMs)
    print("MTU \(mtu): round trips services resolved -> credentials accepted: \(result.untilAccepted.roundTrips) (goal <= 3, CCC write included); "
        + "ATT ops to accepted \(result.untilAccepted.operations), whole session \(result.total.operations) ops / \(result.total.bytes) bytes")
    print("MTU \(mtu): pairing wall \(format(milliseconds(wall))) ms vs lower bound \(operations) ops x \(intervalMs) ms = \(format(bound)) ms "
        + "-> \(String(format: "%.2f", milliseconds(wall) / max(bound, 1)))x (goal <= 1.25x; includes scan, connect, service resolution)")
    print("MTU \(mtu): protocol session (services resolved -> joined) \(format(milliseconds(session))) ms vs \(result.total.operations) ops x \(intervalMs) ms = "
        + "\(format(sessionBound)) ms -> \(String(format: "%.2f", milliseconds(session) / max(sessionBound, 1)))x")
}

let (_, single, _, _) = try await pairOnce(mtu: 247)
let lab = try await startLab(printers: parallel, mtu: 247)
let service = SmartSetup(radio: try await lab.centralRadio())
let requests = try lab.printers.map(request(for:))
let clock = ContinuousClock()
let start = clock.now
try await withThrowingTaskGroup(of: Void.self) { group in
    for request in requests { group.addTask { _ = try await service.pair(request) } }
    try await group.waitForAll()
}
let all = start.duration(to: clock.now)
await lab.stop()
print("\(parallel) printers in parallel: \(format(milliseconds(all))) ms vs one printer \(format(milliseconds(single))) ms "
    + "-> \(String(format: "%.2f", milliseconds(all) / milliseconds(single)))x (goal <= 2x)")
