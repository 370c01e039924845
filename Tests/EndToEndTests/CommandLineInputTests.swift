import Foundation
import Synchronization
import SetupLab
import TestSupport
import Testing

/// Odd command-line input gets a usage error naming the option and its rule, never a trap, a
/// hang, unbounded memory or a silently changed value.
@Suite(.cleansUp) struct CommandLineInputTests {
    @Test(arguments: [
        (["--timeout", "inf"], "--timeout must be a number of seconds above 0 and at most 86400"),
        (["--timeout", "1e300"], "--timeout must be a number of seconds above 0 and at most 86400"),
        (["--timeout", "-5"], "--timeout must be a number of seconds above 0 and at most 86400"),
        (["--scan-time", "1e19"], "--scan-time must be a number of seconds above 0 and at most 3600"),
        (["--dns", "1.1.1.1"], "--dns goes with --static-ip"),
        (["--static-ip", "192..168.1.50/24", "--gateway", "192.168.1.1"], "--static-ip must be a.b.c.d/prefix"),
        (["--static-ip", "192.168.1.50//24", "--gateway", "192.168.1.1"], "--static-ip must be a.b.c.d/prefix"),
        (["--static-ip", "+192.168.1.50/24", "--gateway", "192.168.1.1"], "--static-ip must be a.b.c.d/prefix"),
    ])
    func pairRefusesOddOptions(options: [String], says message: String) async throws {
        let run = try await runSmartsetup(["pair", "--ssid", "HomeNet", "--security", "open", "--pin", "1234-5670"] + options)
        #expect(run.status == 64, "\(run)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(!run.stderr.contains("Missing value") && !run.stderr.contains("Fatal error"), "\(run.stderr)")
    }

    @Test(arguments: [["sim", "--mtu", "-1"], ["sim", "--interval-ms", "-3"], ["demo", "--interval-ms", "99999"], ["scan", "--timeout", "inf"]])
    func otherCommandsRefuseNumbersOutOfRange(arguments: [String]) async throws {
        let run = try await runSmartsetup(arguments)
        #expect(run.status == 64, "\(run)")
        #expect(run.stderr.contains(" must be "), "\(run.stderr)")
    }

    /// `pair --passphrase-stdin` with the PIN from a file and `input` on stdin.
    func pairReadingThePassphraseFromStdin(_ input: ToolInput, timeout: String) async throws -> ToolResult {
        let pinFile = try temporaryFile("12345670\n")
        return try await Tool.run(
            smartsetupExecutable, ["pair", "--ssid", "HomeNet", "--pin-file", pinFile, "--passphrase-stdin", "--timeout", timeout],
            input: input, deadline: .seconds(30))
    }

    @Test func anEndlessPassphraseOnStdinIsRefusedAtOnce() async throws {
        // 1 MB without a line break: only the first 66 octets are ever read.
        let run = try await pairReadingThePassphraseFromStdin(.bytes(Array(repeating: 0, count: 1 << 20)), timeout: "5")
        #expect(run.status == 64, "\(run)")
        #expect(run.stderr.contains("the first line of stdin is longer than a passphrase can be (64 octets)"), "\(run.stderr)")
    }

    @Test func aSilentStdinEndsAtTheDeadline() async throws {
        // A pipe nobody writes to and nobody closes: the read gives up at --timeout.
        let run = try await pairReadingThePassphraseFromStdin(.pipe, timeout: "1")
        #expect(run.status == 21, "\(run)")
        #expect(!run.timedOut)
    }

    @Test func aPassphraseFIFONobodyWritesToEndsAtTheDeadline() async throws {
        // `--passphrase-file <(command)` whose command never writes: opening the FIFO waits
        // for a writer. Before, the open blocked outside the deadline and the run hung.
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("smartsetup-fifo-\(UUID())").path
        #expect(mkfifo(fifo, 0o600) == 0)
        try CleanupScope.atEnd(of: "the FIFO") { try? FileManager.default.removeItem(atPath: fifo) }
        let pinFile = try temporaryFile("12345670\n")
        let start = ContinuousClock.now
        let run = try await Tool.run(
            smartsetupExecutable, ["pair", "--ssid", "HomeNet", "--pin-file", pinFile, "--passphrase-file", fifo, "--timeout", "1"],
            deadline: .seconds(30))
        #expect(run.status == 21, "\(run)")
        #expect(!run.timedOut)
        #expect(run.stderr.contains("[timeout, exit 21]"), "\(run.stderr)")
        #expect(ContinuousClock.now - start < .seconds(20))
    }

    @Test func aPINFileKeepsThePINOutOfArgvAndAnInvalidOneIsNamed() async throws {
        let bad = try temporaryFile("1234-5678\n")
        let run = try await runSmartsetup(["pair", "--ssid", "HomeNet", "--security", "open", "--pin-file", bad])
        #expect(run.status == 64, "\(run)")
        #expect(run.stderr.contains("the PIN in \(bad) is not valid: the last digit does not match the first seven"), "\(run.stderr)")
        #expect(!run.stderr.contains("5678"), "\(run.stderr)")
        let both = try await runSmartsetup(["pair", "--ssid", "HomeNet", "--pin-file", bad, "--pin", "1234-5670"])
        #expect(both.status == 64)
        #expect(both.stderr.contains("exclude each other"), "\(both.stderr)")
    }

    @Test func aNonUTF8SSIDReachesThePrinterAsItsOctets() async throws {
        let lines = LineCollector()
        let lab = try await SimulatedPrinterLab.start(printers: 1, interval: .milliseconds(2), output: { lines.append($0) })
        try CleanupScope.atEnd(of: "the lab") { await lab.stop() }
        let pin = try #require(lab.printers[0].presentedPIN).revealedForDisplay()
        let pinFile = try temporaryFile(pin + "\n")
        // "Home" followed by the octets FF FE, which are not UTF-8: a shell passes them as they are.
        let run = try await Tool.run(
            "/bin/sh",
            ["-c", #"exec "$0" pair --ssid "$(printf 'Home\377\376')" --security open --pin-file "$1" --printer 3F0A --scan-time 3 --json"#,
             smartsetupExecutable, pinFile],
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": lab.busAddress], deadline: .seconds(60))
        // The emulated printer knows no such network: it received 6 octets, not the 10 of a UTF-8 repair.
        #expect(run.status == 18, "\(run)")
        #expect(lines.all.contains { $0.contains("(6 octets, open)") }, "\(lines.all)")
    }

    @Test func simFaultNamesWhatIsMissing() async throws {
        let lab = try await SimulatedPrinterLab.start(printers: 0, output: { _ in })
        try CleanupScope.atEnd(of: "the lab") { await lab.stop() }
        let adapter = try await runSmartsetup(["sim", "fault", "--sim-bus", lab.busAddress, "remove-adapter", "hci99"])
        #expect(adapter.status == 64, "\(adapter)")
        let link = try await runSmartsetup(["sim", "fault", "--sim-bus", lab.busAddress, "disconnect", "zz"])
        #expect(link.status == 64, "\(link)")
        #expect(link.stderr.contains("no link to zz"), "\(link.stderr)")
        #expect(!link.stdout.contains("ok"), "\(link.stdout)")
    }

    private func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("smartsetup-input-\(UUID())").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try CleanupScope.atEnd(of: "a temporary file") { try? FileManager.default.removeItem(atPath: path) }
        return path
    }
}

/// Lines collected from several threads.
final class LineCollector: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
