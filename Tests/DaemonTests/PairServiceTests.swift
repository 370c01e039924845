import Foundation
import Testing
import TestSupport

/// `smartsetup pair --service` against the daemon over the simulated BlueZ: the same exit codes
/// and final line as the direct path.
@Suite(.cleansUp) struct PairServiceTests {
    private func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("smartsetup-daemon-\(UUID())").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try CleanupScope.atEnd(of: "a file") { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    private func pair(_ bench: DaemonBench, service: Bool, _ arguments: [String]) async throws -> ToolResult {
        try await Tool.run(
            smartsetupExecutable, ["pair"] + (service ? ["--service"] : []) + arguments + ["--scan-time", "2", "--timeout", "60"],
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": bench.lab.busAddress], deadline: .seconds(120))
    }

    @Test func exitCodesAndOutputMatchTheDirectPath() async throws {
        let bench = try await DaemonBench.start(printers: 2)
        let passphrase = try file("correct horse battery\n")
        let wrongPassphrase = try file("not the passphrase\n")
        let wrongPIN = try file(TestSupport.wrongPIN(not: bench.lab.printers[0].presentedPIN).revealedForDisplay() + "\n")
        let rightPIN = try file(try bench.pin(0) + "\n")
        let rightPIN2 = try file(try bench.pin(1) + "\n")
        let home = ["--ssid", "HomeNet", "--passphrase-file", passphrase]

        for service in [false, true] {
            let wrong = try await pair(bench, service: service, ["--printer", "3F0A", "--pin-file", wrongPIN] + home)
            #expect(wrong.status == 14, "service \(service): \(wrong)")
            #expect(wrong.stderr.contains("[wrong-pin, exit 14]"), "\(wrong.stderr)")
            let none = try await pair(bench, service: service, ["--printer", "FFFF", "--pin-file", rightPIN] + home)
            #expect(none.status == 12, "service \(service): \(none)")
            let rejected = try await pair(bench, service: service, ["--printer", "3F0A", "--pin-file", rightPIN, "--ssid", "HomeNet", "--passphrase-file", wrongPassphrase])
            #expect(rejected.status == 17, "service \(service): \(rejected)")
            #expect(rejected.stderr.contains("[wifi-auth-failed, exit 17]"), "\(rejected.stderr)")
        }
        let direct = try await pair(bench, service: false, ["--printer", "3F0B", "--pin-file", rightPIN2] + home)
        let through = try await pair(bench, service: true, ["--printer", "3F0A", "--pin-file", try file(try bench.pin(0) + "\n")] + home)
        #expect(direct.status == 0 && through.status == 0, "\(direct)\n\(through)")
        #expect(direct.stdout.contains("✓ Printer 3F0B joined \"HomeNet\" with address 192.168.1.57/24"), "\(direct.stdout)")
        #expect(through.stdout.contains("✓ Printer 3F0A joined \"HomeNet\" with address 192.168.1.57/24"), "\(through.stdout)")
        // No secret on the command's output or in the daemon's log.
        for secret in ["correct horse battery", try bench.pin(0), try bench.pin(1)] {
            #expect(!through.stdout.contains(secret) && !through.stderr.contains(secret))
            #expect(!bench.logs.all.contains { $0.contains(secret) })
        }
    }

    @Test func withoutTheServiceItExitsWithServiceUnavailable() async throws {
        let bench = try await DaemonBench.start(printers: 0, servingOn: nil)
        let run = try await pair(bench, service: true, ["--printer", "3F0A", "--pin", "1234-5670", "--ssid", "HomeNet", "--passphrase-file", try file("correct horse battery\n")])
        #expect(run.status == 51, "\(run)")
        #expect(run.stderr.contains("service-unavailable"), "\(run.stderr)")
    }
}

/// `pair --service` on a terminal without a PIN option: it registers an agent that prompts.
@Suite(.cleansUp) struct PairServiceTerminalTests {
    @Test func theAgentPromptsAtTheTerminalAgainAfterAWrongPIN() async throws {
        let bench = try await DaemonBench.start()
        let passphrase = FileManager.default.temporaryDirectory.appendingPathComponent("smartsetup-daemon-\(UUID())").path
        try "correct horse battery\n".write(toFile: passphrase, atomically: true, encoding: .utf8)
        try CleanupScope.atEnd(of: "a file") { try? FileManager.default.removeItem(atPath: passphrase) }
        let session = try TerminalSession(
            "\(smartsetupExecutable) pair --service --printer 3F0A --ssid HomeNet --passphrase-file \(passphrase) --timeout 60",
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": bench.lab.busAddress])
        try await session.waitFor(["Printer PIN"])
        let wrong = TestSupport.wrongPIN(not: bench.lab.printers[0].presentedPIN).revealedForDisplay()
        try await session.run(wrong, expecting: [#"Wrong PIN \(2 attempts left\)"#])
        try await session.run(try bench.pin(), expecting: [#"Printer 3F0A joined "HomeNet" with address 192\.168\.1\.57/24"#])
        #expect(await session.tool.exitStatus() == 0)
        #expect(!session.transcript.contains(try bench.pin()) && !session.transcript.contains(wrong), "a PIN echoed")
    }
}
