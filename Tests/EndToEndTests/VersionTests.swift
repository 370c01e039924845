import Foundation
import Testing
import TestSupport

/// `smartsetup --version` prints the version written in `SmartSetupVersion.swift`, nothing else.
@Suite(.serialized, .cleansUp) struct VersionTests {
    @Test func versionPrintsTheOneVersionOfTheSource() async throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/smartsetup/Support/SmartSetupVersion.swift")
        let text = try String(contentsOf: source, encoding: .utf8)
        let match = try #require(text.firstMatch(of: /static let string = "([0-9]+\.[0-9]+\.[0-9]+)"/))
        let run = try await runSmartsetup(["--version"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "\(match.1)\n")
    }
}
