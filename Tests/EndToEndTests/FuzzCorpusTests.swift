import Foundation
import Testing
import TestSupport

/// Every committed fuzzing corpus (`Fuzz/Corpus/<target>/`, crashes found included) replayed
/// through the built `SetupProtocolFuzzer` on every test run: a decoder that crashes on an
/// input it once survived fails here, without a libFuzzer build.
@Suite(.cleansUp) struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus")

    static var targets: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).sorted()
    }

    @Test func everyTargetHasACorpus() {
        #expect(Self.targets.count >= 10)
    }

    @Test(arguments: targets) func theCorpusReplaysWithoutACrash(_ target: String) async throws {
        let directory = Self.corpus.appendingPathComponent(target)
        let inputs = try FileManager.default.contentsOfDirectory(atPath: directory.path).count
        let replayer = URL(fileURLWithPath: smartsetupExecutable).deletingLastPathComponent().appendingPathComponent("SetupProtocolFuzzer")
        let result = try await Tool.run(replayer.path, [target, directory.path], ending: .kill, deadline: .seconds(120))
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\(target): replayed \(inputs) inputs without a crash"), "\(result)")
    }
}
