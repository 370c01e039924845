import Foundation
import Testing
import TestSupport

/// Tools/wireshark/smartsetup.lua under tshark on the committed captures. Skipped, with the
/// reason, only where tshark is not installed (scripts/setup.sh installs it; CI runs that).
@Suite(.enabled(if: Tool.isInstalled("tshark"), "tshark is not installed: apt-get install tshark (scripts/setup.sh does)"))
struct WiresharkDissectorTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let dissector = repository.appendingPathComponent("Tools/wireshark/smartsetup.lua").path
    static let fixtures = repository.appendingPathComponent("Tests/TraceDecodingTests/Fixtures")

    func tshark(_ capture: String, options: [String] = []) async throws -> ToolResult {
        let arguments = ["-X", "lua_script:\(Self.dissector)", "-r", Self.fixtures.appendingPathComponent(capture).path]
            + options.flatMap { ["-o", $0] }
        return try await Tool.run("tshark", arguments, deadline: .seconds(60))
    }

    @Test func theDiscoveredUUIDsNameEveryPlainRecordAndTheKeyLogNamesTheJoinStatuses() async throws {
        let keyLog = Self.fixtures.appendingPathComponent("synthetic-happy-path.keylog").path
        let result = try await tshark("synthetic-happy-path.btsnoop", options: ["smartsetup.keylog:\(keyLog)"])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n")
        for name in ["ClientHello", "ServerHello", "ClientFinish, SetCredentials SSID HomeNet [sealed #0]", "smartsetup Info",
                     "JoinStatus received [sealed #0]", "JoinStatus connected [sealed #4]", "[smartsetup printer 3F0A]"] {
            #expect(lines.contains { $0.contains(name) }, "no '\(name)' in \(result.stdout)")
        }
        #expect(!result.stdout.contains("passphrase"))
    }

    @Test func withoutAKeyLogSealedRecordsShowTheirCounter() async throws {
        let result = try await tshark("synthetic-happy-path.btsnoop")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Sealed #4"))
        #expect(!result.stdout.contains("JoinStatus"))
    }

    @Test func handlesFromThePreferencesStandInForDiscovery() async throws {
        let without = try await tshark("synthetic-cached-database.btsnoop")
        #expect(!without.stdout.contains("ClientHello"))
        let result = try await tshark("synthetic-cached-database.btsnoop", options: [
            "smartsetup.request_handle:19", "smartsetup.events_handle:22", "smartsetup.info_handle:16",
        ])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("central → printer ClientHello"))
        #expect(result.stdout.contains("printer → central ServerHello"))
    }

    @Test func onTheRealCaptureOverEATTTheWholeSessionIsNamed() async throws {
        let keyLog = Self.fixtures.appendingPathComponent("realbluez-pair-and-wrong-pin.keylog").path
        let result = try await tshark("realbluez-pair-and-wrong-pin.btsnoop", options: ["smartsetup.keylog:\(keyLog)"])
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n")
        for name in ["central → printer ClientHello", "printer → central ServerHello",
                     "central → printer ClientFinish, SetCredentials SSID HomeNet [sealed #0]",
                     "printer → central JoinStatus received [sealed #0]", "printer → central JoinStatus connected [sealed #4]",
                     "printer → central Error authenticationFailed, attempts left 2", "LE Set Advertising Data [smartsetup printer 3F0A]"] {
            #expect(lines.contains { $0.contains(name) }, "no '\(name)' in \(result.stdout)")
        }
        #expect(!result.stdout.contains("Lua Error"))
    }
}
