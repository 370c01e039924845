import Foundation
import SetupHistory
import Testing
import TestSupport

/// The built test-only writer (Tests/HistoryCrashWriter), next to the test bundle.
var crashWriterExecutable: String {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for directory in [beside, beside.deletingLastPathComponent()] {
        let candidate = directory.appendingPathComponent("HistoryCrashWriter")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/HistoryCrashWriter").path
}

/// `kill -9` in the middle of writing loses no acknowledged record and never leaves a file that
/// does not open: a child appends records in a loop and prints each acknowledged id; it is
/// SIGKILLed at a random moment, round after round, on the same database. After every round the
/// database opens for writing (as a restarted daemon would), passes `PRAGMA integrity_check`, and
/// holds every id the child had printed.
@Suite(.serialized, .cleansUp) struct CrashSafetyTests {
    @Test func killNineLosesNoAcknowledgedRecordAndLeavesADatabaseThatOpens() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var generator = SystemRandomNumberGenerator()
        var acknowledged: Set<Int64> = []
        let rounds = 40
        for round in 1...rounds {
            let writer = try RunningTool.start(crashWriterExecutable, [directory, "round \(round)"])
            // Kill after a random number of acknowledgements (0 = possibly before the first one,
            // while the store opens or migrates), then a random delay inside the next appends.
            let acknowledgements = Int.random(in: 0...30, using: &generator)
            try await eventually("\(acknowledgements) acknowledged ids from the writer", within: .seconds(30), every: .milliseconds(1)) {
                !writer.isRunning || Self.ids(writer.stdout).count >= acknowledgements
            }
            try await Task.sleep(for: .microseconds(Int.random(in: 0...3000, using: &generator)))
            writer.kill()
            let ended = await writer.finish(within: .seconds(10))
            #expect(ended.status == SIGKILL, "round \(round): the writer ended before the kill: \(ended)")
            let printed = Self.ids(ended.stdout)
            acknowledged.formUnion(printed)

            let store = try HistoryStore(directory: directory)
            try store.checkIntegrity()
            let stored = Set(try store.records(matching: HistoryFilter()).compactMap(\.id))
            let lost = acknowledged.subtracting(stored)
            #expect(lost.isEmpty, "round \(round): acknowledged but lost: \(lost.sorted())")
        }
        #expect(acknowledged.count > rounds, "the writer acknowledged only \(acknowledged.count) records in \(rounds) rounds")
    }

    /// The ids on complete lines (a line cut by the kill is not an acknowledgement).
    static func ids(_ output: String) -> Set<Int64> {
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()  // after the last newline: empty, or a line the kill cut
        return Set(lines.compactMap { Int64($0) })
    }
}
