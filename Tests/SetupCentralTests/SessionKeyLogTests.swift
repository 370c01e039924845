import Foundation
import SetupCentral
import SetupLink
import SetupPrinter
import SetupProtocol
import Testing
import TestSupport

/// The opt-in session key log (SPEC §18) written by both drivers.
@Suite struct SessionKeyLogTests {
    /// A fresh directory and the key log path inside it.
    func keyLogPath() throws -> (directory: URL, path: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keylog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (directory, directory.appendingPathComponent("keys.log").path)
    }

    /// Two sessions (the first with a wrong PIN before the right one): four lines, 0600; the
    /// lines' keys opening records is checked in SessionKeyLogEntryTests and on real captures.
    @Test func bothRolesAppendOneLinePerSessionWithMode0600AndTheirLinesAgree() async throws {
        let (directory, path) = try keyLogPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = SessionKeyLog(path: path)
        let printer = try EmulatedPrinter(
            configuration: testPrinterConfiguration(shortID: 0x3F0A, auth: .displayedPIN, networks: TestNetworks.all),
            keyLog: log, output: { _ in })
        await printer.start()
        for session in 0..<2 {
            let connection = LoopbackConnection(mtu: 247, info: printer.infoValue())
            let serving = Task { await printer.serve(connection.printer) }
            let configuration = try CentralConfiguration(advertisement: await printer.currentAdvertisement(), clientID: Array(repeating: 7, count: 16))
            let central = try await CentralDriver.open(link: connection.central, configuration: configuration, keyLog: log)
            let pin = try #require(printer.presentedPIN)
            if session == 0 {
                // A wrong PIN first: no keys are agreed, so nothing is logged for that attempt.
                try await central.startHandshake(.pin(wrongPIN(not: pin)))
                #expect(try await central.nextEvent(within: eventDeadline) == .authenticationFailed(attemptsLeft: 2))
            }
            try await central.startHandshake(.pin(pin), firstRequest: .identify(.blink))
            #expect(try await central.nextEvent(within: eventDeadline) == .authenticated)
            #expect(try await central.nextEvent(within: eventDeadline) == .identified)
            await central.close()
            await serving.value
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        // Two sessions, a line from each role: the central's and the printer's lines agree.
        #expect(lines.count == 4)
        let entries = try lines.map { line throws(ProtocolError) in try SessionKeyLogEntry(line: line) }
        #expect(Set(entries.map(\.sessionID)).count == 2)
        #expect(entries[0] == entries[1] || entries[0] == entries[2])
    }

    @Test func aSymbolicLinkAtThePathIsRefused() throws {
        let (directory, path) = try keyLogPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("target").path
        FileManager.default.createFile(atPath: target, contents: Data())
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        let keys = KeySchedule(intermediateSessionKey: SecretBytes(Array(repeating: 1, count: 64)), transcriptHash: Array(repeating: 2, count: 64))
        #expect(!SessionKeyLog(path: path).append(SessionKeyLogEntry(sessionID: Array(repeating: 3, count: 16), keys: keys)))
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)).isEmpty)
    }
}
