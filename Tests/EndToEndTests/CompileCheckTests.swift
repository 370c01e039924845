import Foundation
import Testing
import TestSupport

/// Properties the compiler enforces, checked by compiling the snippets of `Tests/CompileChecks/`
/// (no target's sources) against this build's modules: each of `refused/` must fail with the
/// error its first line names (`// expected error: …`), each of `accepted/` must compile. The
/// accepted ones are the control: a refusal is the property's, not a missing module.
///
/// Today: `SecureChannel` and the sessions that hold it are non-copyable, so a second copy of the
/// nonce counters cannot be written (issue 11). The move checker runs after type checking, so the
/// snippets go through `-emit-sil`, not `-typecheck`.
@Suite(.cleansUp) struct CompileCheckTests {
    static let checks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CompileChecks")

    static func snippets(_ folder: String) -> [String] {
        let directory = checks.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".swift") }.sorted().map { "\(folder)/\($0)" }
    }

    /// The build's module directory: beside the built executables (where the test bundle is).
    static var modules: URL {
        URL(fileURLWithPath: smartsetupExecutable).deletingLastPathComponent().appendingPathComponent("Modules")
    }

    /// Compiles `snippet` to SIL (type checking and the move checker) against the build's modules.
    /// The clang module cache is a fresh one of its own: the build's is keyed by the path it was
    /// given, and another spelling of that path makes clang see every module twice.
    static func compile(_ snippet: String) async throws -> ToolResult {
        let swiftc = try #require(Tool.resolve("swiftc"), "no swiftc on PATH: the toolchain that builds the package is needed")
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("compile-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        return try await Tool.run(swiftc, [
            "-swift-version", "6", "-emit-sil", "-o", "/dev/null", "-I", modules.path, "-module-cache-path", cache.path,
            checks.appendingPathComponent(snippet).path,
        ], mergingStandardError: true, deadline: .seconds(120))
    }

    @Test func bothKindsOfSnippetExist() {
        #expect(Self.snippets("refused").count >= 3)
        #expect(Self.snippets("accepted").count >= 1)
    }

    @Test(arguments: snippets("refused")) func theCompilerRefuses(_ snippet: String) async throws {
        let source = try String(contentsOf: Self.checks.appendingPathComponent(snippet), encoding: .utf8)
        let marker = "// expected error: "
        let expected = try #require(source.split(separator: "\n").first { $0.hasPrefix(marker) }?.dropFirst(marker.count),
                                    "\(snippet) names no expected error")
        let result = try await Self.compile(snippet).requireFinished()
        #expect(result.status != 0, "\(snippet) compiled: \(result)")
        #expect(result.stdout.contains("error: \(expected)"), "\(snippet) did not fail with '\(expected)': \(result)")
    }

    @Test(arguments: snippets("accepted")) func theCompilerAccepts(_ snippet: String) async throws {
        let result = try await Self.compile(snippet).requireFinished()
        #expect(result.status == 0, "\(snippet) did not compile: \(result)")
    }
}
