import Foundation
import SetupHistory
import Testing
import TestSupport

/// `smartsetup history` through the built executable, over a history the store wrote.
@Suite struct HistoryCommandTests {
    func history(_ arguments: [String]) async throws -> ToolResult {
        try await Tool.run(smartsetupExecutable, ["history"] + arguments, deadline: .seconds(90)).requireFinished()
    }

    func jsonLines(_ output: String) -> [[String: Any]] {
        output.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    @Test func printsTheRecordsAsJSONLinesAndAsATableNewestFirst() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try HistoryStore(directory: directory)
        let now = Date().timeIntervalSince1970.rounded()
        try store.append(record("3F0A", started: now - 7200, ssid: [0x48, 0xFF, 0x00]))
        try store.append(record("3F0B", started: now - 60, outcome: "failed"))

        let json = try await history(["--state-dir", directory, "--json"])
        #expect(json.status == 0, "\(json)")
        let lines = jsonLines(json.stdout)
        #expect(lines.map { $0["printerShortId"] as? String } == ["3F0B", "3F0A"])
        #expect(lines.first?["error"] as? String == "wrong-pin")
        #expect(lines.first?["exitCode"] as? Int == 14)
        #expect(lines.first?["ssid"] as? String == "HomeNet")
        #expect(lines.last?["ssid"] is NSNull)
        #expect(lines.last?["ssidHex"] as? String == "48ff00")
        #expect(lines.last?["printerIPv4"] as? String == "192.0.2.7")
        #expect((lines.last?["phases"] as? [String: Any])?["join"] as? Double == 3.25)
        #expect(lines.last?["started"] as? String == ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: now - 7200)).replacingOccurrences(of: "Z", with: ".000Z"))

        let table = try await history(["--state-dir", directory])
        #expect(table.status == 0, "\(table)")
        let rows = table.stdout.split(separator: "\n")
        #expect(rows.count == 3)
        #expect(rows.first?.hasPrefix("STARTED (UTC)") == true)
        #expect(rows.dropFirst().first?.contains("3F0B") == true && rows.dropFirst().first?.contains("wrong-pin") == true)
        #expect(rows.last?.contains("0x48ff00") == true && rows.last?.contains("succeeded") == true)
    }

    @Test func sincePrinterAndLimitSelectRecords() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try HistoryStore(directory: directory)
        let now = Date().timeIntervalSince1970.rounded()
        try store.append(record("3F0A", started: now - 3 * 86_400))
        try store.append(record("3F0B", started: now - 7200))
        try store.append(record("3F0A", started: now - 60))
        func printers(_ arguments: [String]) async throws -> [String] {
            let result = try await history(["--state-dir", directory, "--json"] + arguments)
            #expect(result.status == 0, "\(result)")
            return jsonLines(result.stdout).compactMap { $0["printerShortId"] as? String }
        }
        #expect(try await printers(["--since", "3h"]) == ["3F0A", "3F0B"])
        #expect(try await printers(["--since", "1d", "--printer", "3f0b"]) == ["3F0B"])
        let yesterdayish = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: now - 86_400))
        #expect(try await printers(["--since", yesterdayish]) == ["3F0A", "3F0B"])
        #expect(try await printers(["--printer", "3F0A", "--limit", "1"]) == ["3F0A"])
        #expect(try await printers(["--since", "1s", "--printer", "nobody"]) == [])
    }

    @Test func aMissingOrDamagedHistoryExits57AndBadArgumentsExit64() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let missing = try await history(["--state-dir", directory])
        #expect(missing.status == 57, "\(missing)")
        #expect(missing.stderr.contains("there is no provisioning history at \(directory)/history.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: directory), "history must create nothing")

        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(repeating: 0x5A, count: 4096).write(to: URL(fileURLWithPath: directory + "/history.sqlite"))
        let damaged = try await history(["--state-dir", directory, "--json"])
        #expect(damaged.status == 57, "\(damaged)")
        let error = jsonLines(damaged.stdout).first
        #expect(error?["event"] as? String == "error")
        #expect(error?["kind"] as? String == "no-history")
        #expect((error?["message"] as? String)?.contains("is not a history database") == true)

        for arguments in [["--limit", "0"], ["--limit", "100001"], ["--since", "yesterday"], ["--since", "5w"], ["--state-dir", ""]] {
            let usage = try await history(arguments)
            #expect(usage.status == 64, "\(arguments): \(usage)")
        }
    }
}
