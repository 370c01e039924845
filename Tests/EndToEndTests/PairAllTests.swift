import Foundation
import SetupProtocol
import Testing
import TestSupport

/// `smartsetup pair --all` through the built executable on a pty, over a lab with three printers
/// (what `sim --printers 3` runs), each PIN typed at its prompt.
@Suite(.serialized, .cleansUp) struct PairAllTests {
    func passphraseFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pass-\(UUID())").path
        try "correct horse battery\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Starts `pair --all` on a pty against `bus`.
    func startPairAll(bus: String, passphrase: String) throws -> TerminalSession {
        try TerminalSession(
            "\(smartsetupExecutable) pair --all --ssid HomeNet --passphrase-file \(passphrase) --scan-time 2 --timeout 60",
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": bus])
    }

    @Test func pairsEveryPrinterAskingForEachPINInTurn() async throws {
        let lab = try await startLab(printers: 3)
        let passphrase = try passphraseFile()
        defer { try? FileManager.default.removeItem(atPath: passphrase) }
        let session = try startPairAll(bus: lab.busAddress, passphrase: passphrase)
        try await session.waitFor(["3 printers to pair: 3F0A 3F0B 3F0C"])
        for printer in lab.printers {
            let shortID = printer.configuration.shortID.description
            try await session.waitFor(["PIN for printer \(shortID) \\(Printer-\(shortID)\\): "])
            try session.tool.write(try #require(printer.presentedPIN).revealedForDisplay() + "\n")
            try await session.waitFor(["✓ \(shortID) joined \"HomeNet\" with address 192\\.168\\.1\\.57/24"])
        }
        let transcript = session.transcript
        let status = await session.tool.finish(within: .seconds(30)).status
        #expect(status == 0, "\(transcript)")
        #expect(transcript.components(separatedBy: "✓ ").count - 1 == 3)
        #expect(!transcript.contains("✗"))
        for printer in lab.printers {
            #expect(!transcript.contains(try #require(printer.presentedPIN).revealedForDisplay()), "a PIN was echoed or printed")
        }
    }

    @Test func aFailureDoesNotStopTheOthersAndGivesTheExitCode() async throws {
        let lab = try await startLab(printers: 3)
        let passphrase = try passphraseFile()
        defer { try? FileManager.default.removeItem(atPath: passphrase) }
        let session = try startPairAll(bus: lab.busAddress, passphrase: passphrase)
        for printer in lab.printers {
            let shortID = printer.configuration.shortID.description
            try await session.waitFor(["PIN for printer \(shortID) "])
            if shortID == "3F0B" {
                try session.tool.write(wrongPIN(not: printer.presentedPIN).revealedForDisplay() + "\n")
                try await session.waitFor(["Wrong PIN for printer 3F0B \\(\\d attempts left\\)\\. PIN: "])
                try session.tool.write("\n")  // gives this printer up
                try await session.waitFor(["✗ 3F0B failed: .* \\[wrong-pin, exit 14\\]"])
            } else {
                try session.tool.write(try #require(printer.presentedPIN).revealedForDisplay() + "\n")
                try await session.waitFor(["✓ \(shortID) joined"])
            }
        }
        try await session.waitFor(["error: 1 of 3 printers failed; the first, 3F0B: .* \\[wrong-pin, exit 14\\]"])
        let transcript = session.transcript
        #expect(await session.tool.finish(within: .seconds(30)).status == 14, "\(transcript)")
    }

    @Test func withoutATerminalOrWithAPrinterChoiceItIsAUsageError() async throws {
        let passphrase = try passphraseFile()
        defer { try? FileManager.default.removeItem(atPath: passphrase) }
        let noTerminal = try await runSmartsetup(["pair", "--all", "--ssid", "HomeNet", "--passphrase-file", passphrase])
        #expect(noTerminal.status == 64, "\(noTerminal)")
        #expect(noTerminal.stderr.contains("pair --all asks for each printer's PIN on a terminal"))
        for extra in [["--printer", "3F0A"], ["--pin-file", passphrase], ["--pin-stdin"], ["--pin", "12345670"]] {
            let refused = try await runSmartsetup(["pair", "--all", "--ssid", "HomeNet", "--passphrase-file", passphrase] + extra)
            #expect(refused.status == 64, "\(extra): \(refused)")
            #expect(refused.stderr.contains("--all asks for each printer's PIN on the terminal"), "\(extra)")
        }
    }
}
