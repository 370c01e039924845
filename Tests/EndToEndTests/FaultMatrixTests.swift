import Foundation
import SetupCentral
import SetupLab
import SetupPrinter
import SetupProtocol
import Synchronization
import Testing
import TestSupport

/// The fault matrix: every fault the simulated BlueZ can inject, at every step of a pairing,
/// on a fresh lab each. In every cell the pairing ends within its deadline with a typed failure
/// that has its own documented exit code (never `internal`), or succeeds when the fault could not
/// touch it; the printer ends its session by itself; and the next pairing, over the same central
/// service, succeeds; and the process has no more file descriptors open after the cell than
/// before it (see ``descriptorGrowth(since:fault:step:)``). A cell's outcome depends on where the
/// fault lands, so the test asserts the rules, not one outcome per cell; what each cell did is
/// written as a Markdown table (`scripts/fault-matrix.sh` regenerates `Tests/FAULT-MATRIX.md`).
@Suite(.serialized, .cleansUp) struct FaultMatrixTests {
    /// A fault of the simulator (see its control interface).
    enum Fault: String, CaseIterable, Sendable {
        case disconnect = "disconnect"
        case drop = "drop-notification"
        case duplicate = "duplicate-notification"
        case delay = "delay-notification 4000"
        case restart = "restart-bluetoothd"
        case removeCentralAdapter = "remove-adapter hci0 (central)"
        case removePrinterAdapter = "remove-adapter hci1 (printer)"
    }

    /// Where in the pairing the fault is injected: right after the central reports this step.
    enum Step: String, CaseIterable, Sendable {
        case beforeConnect = "printer chosen, before connecting"
        case connecting = "connecting"
        case connected = "connected, services resolved"
        case clientHelloSent = "ClientHello sent"
        case authenticated = "ServerHello received, ClientFinish sent, authenticated"
        case credentialsSent = "credentials sent"
        case joining = "printer joining"

        func matches(_ progress: SetupProgress) -> Bool {
            switch (self, progress) {
            case (.beforeConnect, .selected), (.connecting, .connecting), (.connected, .connected), (.clientHelloSent, .authenticating),
                 (.authenticated, .authenticated), (.credentialsSent, .requestSent), (.joining, .joinStatus):
                return true
            default:
                return false
            }
        }
    }

    /// One cell's result, for the table.
    struct Cell: Sendable {
        var fault: Fault
        var step: Step
        var outcome: String
        var seconds: Double
        var printer: String
        /// Open descriptors after the cell minus before it ("+2 (warm-up)" for the first cell).
        var descriptors = "?"
    }

    /// The longest a faulted pairing may take: the service's event timeout (3 s here) plus
    /// connection and scan time, with room for a loaded machine.
    static let deadline: Duration = .seconds(30)
    /// Failure classes a fault on the link may cause; each is a documented exit code.
    static let allowed: Set<String> = ["printer-lost", "timeout", "message-lost", "no-adapter", "no-printer", "printer-refused", "wrong-pin"]
    static let cells = Mutex<[Cell]>([])
    /// Whether a cell already ran in this process (the first one is the warm-up).
    static let warmedUp = Mutex(false)
    /// How long a cell's descriptors may take to close after its cleanup returned: a D-Bus
    /// connection or a child's pipes can be closed by another thread just after.
    static let descriptorSettling: Duration = .seconds(5)

    @Test(arguments: Fault.allCases)
    func everyStepEndsCleanlyAndTheRetrySucceeds(fault: Fault) async throws {
        for step in Step.allCases {
            let before = try OpenFileDescriptors.now()
            var cell = try await Self.run(fault, at: step)
            cell.descriptors = try await Self.descriptorGrowth(since: before, fault: fault, step: step)
            Self.cells.withLock { $0.append(cell) }
        }
        try Self.writeTableWhenComplete()
    }

    static func run(_ fault: Fault, at step: Step) async throws -> Cell {
        let bus = try await PrivateBus.start()
        let printerLines = Mutex<[String]>([])
        let lab = try await SimulatedPrinterLab.start(
            printers: 1, mtu: 247, interval: .milliseconds(10), bus: bus.address,
            configuration: { _ in testPrinterConfiguration(networks: TestNetworks.lab) },
            output: { line in printerLines.withLock { $0.append(line) } })
        // The cell stops the lab and closes the radio itself, since its descriptors are counted
        // when it ends; the case's cleanup does it should the cell throw before that.
        let unstopped = Mutex<SimulatedPrinterLab?>(lab)
        try CleanupScope.atEnd(of: "a fault-matrix lab") { await unstopped.withLock { $0.take() }?.stop() }
        var options = SmartSetup.Options()
        options.scanTimeout = .seconds(3)
        options.eventTimeout = .seconds(3)
        let radio = try await lab.centralRadio()
        try CleanupScope.atEnd(of: "a fault-matrix central radio") { radio.close() }
        let service = SmartSetup(radio: radio, options: options)
        let printer = lab.printers[0]

        let (reached, signal) = AsyncStream<Void>.makeStream()
        let clock = ContinuousClock()
        let start = clock.now
        let outcome: String = try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                for await _ in reached {
                    try await Self.inject(fault, into: lab)
                    break
                }
                return nil
            }
            group.addTask {
                let request = PairRequest(target: try target(printer), credentials: try credentials())
                do throws(SetupError) {
                    _ = try await service.pair(request) { progress in
                        if step.matches(progress) { signal.yield() }
                    }
                    signal.finish()
                    return "succeeded"
                } catch {
                    signal.finish()
                    let typed = Self.allowed.contains(error.kindName) && error.exitCode != 1
                    #expect(typed, "\(fault.rawValue) at \(step.rawValue): \(error.diagnostic)")
                    return "\(error.kindName) (\(error.exitCode))"
                }
            }
            var outcome = "no outcome"
            for try await result in group { if let result { outcome = result } }
            return outcome
        }
        let elapsed = start.duration(to: clock.now)
        #expect(elapsed < deadline, "\(fault.rawValue) at \(step.rawValue) took \(elapsed)")

        // The printer's side of the faulted session ends by itself (no stuck busy session).
        try await eventually("the printer is idle again", within: .seconds(20)) { !(await printer.currentAdvertisement().isBusy) }
        // Its last word on the session (logged just after it went idle; none when no session began).
        let ending = { printerLines.withLock { lines in lines.last { Self.endsASession($0) } } }
        try? await eventually("the printer's session end", within: .seconds(1)) { ending() != nil }
        let printerSaid = ending() ?? "(no session began)"
        // Put back what the fault took away, as an operator or udev would, then try again at once.
        try await Self.repair(fault, lab)
        let retry = PairRequest(target: try target(printer), credentials: try credentials())
        do throws(SetupError) {
            _ = try await service.pair(retry)
        } catch {
            Issue.record("the retry after \(fault.rawValue) at \(step.rawValue) failed: \(error.diagnostic)")
        }
        radio.close()
        await unstopped.withLock { $0.take() }?.stop()
        await bus.stop()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Cell(fault: fault, step: step, outcome: outcome, seconds: seconds, printer: printerSaid)
    }

    /// Compares the process's open descriptors after a cell (its radio closed, its lab and bus
    /// stopped) with those before it, once they are back to the count before or after
    /// ``descriptorSettling``. Any growth fails the cell, with the new descriptors named, except
    /// in the first cell of the process: what the process opens on first use and keeps (a
    /// timerfd, in the runs that measured it) is opened there, so it is the warm-up and only
    /// reported.
    ///
    /// The count is the whole process's. When the fault matrix runs alone
    /// (`SMARTSETUP_FAULT_MATRIX_ALONE=1`, set by `scripts/fault-matrix.sh`) it is the cells'
    /// alone and growth is an error; in the whole `swift test` other suites open and close
    /// descriptors in the same process at the same time, so growth there is recorded as a warning
    /// (it names the descriptors), never as a failure another suite could have caused. (Each
    /// owner's own release is tested by identity, beside other suites: `DBusConnectionLifetimeTests`,
    /// `SimulatorLifetimeTests`, `RadioLifetimeTests`.)
    static func descriptorGrowth(since before: OpenFileDescriptors, fault: Fault, step: Step) async throws -> String {
        try? await eventually("the cell's descriptors to close", within: descriptorSettling, every: .milliseconds(50)) {
            try OpenFileDescriptors.now().count <= before.count
        }
        let after = try OpenFileDescriptors.now()
        let growth = after.count - before.count
        let isWarmUp = warmedUp.withLock { done in
            defer { done = true }
            return !done
        }
        let figure = growth > 0 ? "+\(growth)" : "\(growth)"
        if isWarmUp { return "\(figure) (warm-up)" }
        if growth > 0 {
            let alone = ProcessInfo.processInfo.environment["SMARTSETUP_FAULT_MATRIX_ALONE"] == "1"
            let opened = after.opened(since: before)
            Issue.record(
                "\(fault.rawValue) at \(step.rawValue) left \(growth) more file descriptors open: \(opened.joined(separator: ", "))",
                severity: alone ? .error : .warning)
        }
        return figure
    }

    /// A printer log line that says how a session ended.
    static func endsASession(_ line: String) -> Bool {
        ["session ended", "wrong PIN", "abandoned", "join: connected"].contains { line.contains($0) }
    }

    static func inject(_ fault: Fault, into lab: SimulatedPrinterLab) async throws {
        let faults = lab.simulator.faults
        switch fault {
        case .disconnect: _ = await faults.disconnect(address: "00:AA:01:01:00:01")
        case .drop: faults.dropNextNotification()
        case .duplicate: faults.duplicateNextNotification()
        case .delay: faults.delayNextNotification(by: .seconds(4))
        case .restart: try await faults.restartBluetoothd()
        case .removeCentralAdapter: #expect(await faults.removeAdapter(0))
        case .removePrinterAdapter: #expect(await faults.removeAdapter(1))
        }
    }

    static func repair(_ fault: Fault, _ lab: SimulatedPrinterLab) async throws {
        switch fault {
        case .removeCentralAdapter: lab.simulator.faults.addAdapter(0)
        case .removePrinterAdapter: lab.simulator.faults.addAdapter(1)
        default: break
        }
    }

    /// When every fault's row is in, writes the table to `SMARTSETUP_FAULT_MATRIX` (the script
    /// points it at Tests/FAULT-MATRIX.md), or to the system's temporary directory.
    static func writeTableWhenComplete() throws {
        let cells = cells.withLock { $0 }
        guard cells.count == Fault.allCases.count * Step.allCases.count else { return }
        var text = """
            # Fault matrix

            Generated by `scripts/fault-matrix.sh` from `Tests/EndToEndTests/FaultMatrixTests.swift` (do not edit by
            hand). Each cell: a fresh simulated BlueZ with one emulated printer, a pairing with the fault injected right
            after the central reported the step, the central's outcome (failure class and exit code, see the README)
            and how long it took; then the fault repaired (a removed adapter plugged in again) and a second pairing over
            the same central service, which succeeded in every cell (the test fails otherwise). The service's event
            timeout is 3 s, the delayed notification 4 s late. "fds": the test process's open file descriptors after
            the cell (central radio closed, lab and bus stopped, up to 5 s to settle) minus before it; any growth fails
            the cell, except in the first cell, the warm-up, where what the process opens once and keeps is opened.


            """
        for fault in Fault.allCases {
            text += "## \(fault.rawValue)\n\n| step | central | time | printer's last word | fds |\n| --- | --- | --- | --- | --- |\n"
            for step in Step.allCases {
                guard let cell = cells.first(where: { $0.fault == fault && $0.step == step }) else { continue }
                text += "| \(step.rawValue) | \(cell.outcome) | \(String(format: "%.1f s", cell.seconds)) | \(cell.printer.replacingOccurrences(of: "|", with: "/")) | \(cell.descriptors) |\n"
            }
            text += "\n"
        }
        let path = ProcessInfo.processInfo.environment["SMARTSETUP_FAULT_MATRIX"]
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("smartsetup-fault-matrix.md").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
