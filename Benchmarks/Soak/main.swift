// The soak figures of issue 11: N sequential pairings from one long-running central (this
// process, one SmartSetup service over BlueZ, as the kiosk daemon runs) against one long-running
// `smartsetup sim --printers 1` (the simulated BlueZ and one emulated printer in one process).
// Reports failures by class, and fds, threads and RSS of both processes at 0/25/50/75/100 % of N.
// Goal: 1000 pairings, 0 failures, no growth after warm-up (25 % -> 100 %).
// Usage: swift build -c release --product smartsetup --product SoakBenchmark
//        .build/release/SoakBenchmark [pairings (1000)] [interval-ms (0)] [path to smartsetup]
import Foundation
import SetupCentral
import SetupProtocol

let arguments = Array(CommandLine.arguments.dropFirst())
let pairings = arguments.first.flatMap(Int.init) ?? 1000
let intervalMs = arguments.dropFirst().first.flatMap(Int.init) ?? 0
let tool = arguments.dropFirst(2).first
    ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("smartsetup").path

/// The latest PIN the emulated printer's display showed (from `sim`'s stderr).
final class Display: @unchecked Sendable {
    private let lock = NSLock()
    private var pin: SetupPIN?
    private var pending = Data()

    /// Takes a chunk of the simulator's stderr; keeps the PIN of the last display line.
    func take(_ chunk: Data) {
        lock.withLock {
            pending.append(chunk)
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                if line.hasPrefix("[display"), let range = line.range(of: "PIN ") {
                    pin = try? SetupPIN(validating: String(line[range.upperBound...].prefix(9)))
                }
            }
        }
    }

    var current: SetupPIN? { lock.withLock { pin } }
}

/// A count shared with the PIN callback.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// fds, threads and RSS of a process, from /proc.
struct ProcessFigures {
    var fds: Int
    var threads: Int
    var rssMB: Double

    init(pid: String) {
        fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .flatMap { $0.split(whereSeparator: \.isWhitespace).dropFirst().first }
                .flatMap { Int($0) } ?? -1
        }
        threads = field("Threads")
        rssMB = Double(field("VmRSS")) / 1024
    }

    var text: String { String(format: "%3d fds %3d threads %6.1f MB", fds, threads, rssMB) }
}

enum SoakError: Error, CustomStringConvertible {
    case simulator(String)
    var description: String { switch self { case .simulator(let text): return text } }
}

// The long-running simulator with one emulated printer.
let simulator = Process()
simulator.executableURL = URL(fileURLWithPath: tool)
simulator.arguments = ["sim", "--printers", "1", "--interval-ms", String(intervalMs)]
let exportLine = Pipe()
let displayLines = Pipe()
simulator.standardOutput = exportLine
simulator.standardError = displayLines
let display = Display()
displayLines.fileHandleForReading.readabilityHandler = { display.take($0.availableData) }
try simulator.run()

/// The run itself, against the simulator's bus; returns when N pairings are done.
func soak() async throws {
    let export = String(decoding: exportLine.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    guard let quoted = export.split(separator: "'").dropFirst().first else {
        throw SoakError.simulator("smartsetup sim printed no bus address: \(export)")
    }
    let busAddress = String(quoted)
    for _ in 0..<100 where display.current == nil { try await Task.sleep(for: .milliseconds(50)) }

    let service = SmartSetup(radio: try await BlueZRadio.open(adapter: "hci0", bus: .address(busAddress)))
    let credentials = try WiFiCredentials(
        ssid: Array("HomeNet".utf8), security: .wpa2PSK, passphrase: try WiFiPassphrase("correct horse battery"))
    // Asked again after a wrong PIN, as a kiosk asks its user: the display may have moved on.
    // Every asking is counted: more asks than pairings means attempts spent on a rotated PIN.
    let asks = Counter()
    let target = PrinterTarget(selector: PrinterSelector("3F0A"), authentication: .ask { _ in
        asks.increment()
        return display.current
    })
    let request = PairRequest(target: target, credentials: credentials)

    let simulatorPID = String(simulator.processIdentifier)
    let checkpoints = Set([0, 25, 50, 75, 100].map { pairings * $0 / 100 })
    var failures: [String: Int] = [:]
    var renewalWaits = 0
    /// Waits (20 s at most) until the display shows a PIN again.
    func waitForPIN() async {
        for _ in 0..<400 where display.current == nil { try? await Task.sleep(for: .milliseconds(50)) }
    }
    var samples: [(done: Int, central: ProcessFigures, simulator: ProcessFigures)] = []
    let clock = ContinuousClock()
    let start = clock.now

    print("smartsetup soak benchmark: \(pairings) sequential pairings, one central process, one `sim --printers 1` process, interval \(intervalMs) ms")
    for done in 0...pairings {
        if checkpoints.contains(done) {
            let sample = (done, ProcessFigures(pid: "self"), ProcessFigures(pid: simulatorPID))
            samples.append(sample)
            let failed = failures.values.reduce(0, +)
            print(String(format: "%3d%% %5d pairings %3d failed | central %@ | sim+printer %@",
                         done * 100 / max(pairings, 1), done, failed, sample.1.text, sample.2.text))
        }
        guard done < pairings else { break }
        // SPEC §11.1: for 10 s after a PIN expired the display shows none (ClientHellos are
        // answered pinExpired, then noActivePIN); a kiosk waits for the new PIN, as here.
        if display.current == nil {
            renewalWaits += 1
            await waitForPIN()
        }
        do throws(SetupError) {
            _ = try await service.pair(request)
        } catch where error.kind == .printerRefused(.pinExpired) || error.kind == .printerRefused(.noActivePIN) {
            renewalWaits += 1
            await waitForPIN()
            do throws(SetupError) { _ = try await service.pair(request) } catch {
                failures[error.kindName, default: 0] += 1
                print("pairing \(done + 1) (after the PIN was renewed): \(error.kindName): \(error.message)")
            }
        } catch {
            failures[error.kindName, default: 0] += 1
            print("pairing \(done + 1): \(error.kindName): \(error.message)")
        }
    }
    let wall = start.duration(to: clock.now)

    let failed = failures.values.reduce(0, +)
    let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
    print(String(format: "wall %.1f s, %.0f ms per pairing", seconds, seconds * 1000 / Double(max(pairings, 1))))
    print("PIN asked \(asks.value) times for \(pairings) pairings (each extra ask: a wrong PIN, the display had moved on)")
    print("waits for a renewed PIN (SPEC §11.1, 10 s each): \(renewalWaits)")
    print("failures: \(failed) of \(pairings)" + (failures.isEmpty ? "" : " (" + failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"))
    if let warm = samples.first(where: { $0.done == pairings / 4 }), let last = samples.last {
        print(String(format: "growth after warm-up (25%% -> 100%%): central %+d fds %+d threads %+.1f MB; sim+printer %+d fds %+d threads %+.1f MB",
                     last.central.fds - warm.central.fds, last.central.threads - warm.central.threads, last.central.rssMB - warm.central.rssMB,
                     last.simulator.fds - warm.simulator.fds, last.simulator.threads - warm.simulator.threads, last.simulator.rssMB - warm.simulator.rssMB))
    }
}

do {
    try await soak()
} catch {
    simulator.terminate()
    throw error
}
displayLines.fileHandleForReading.readabilityHandler = nil
simulator.terminate()
simulator.waitUntilExit()
