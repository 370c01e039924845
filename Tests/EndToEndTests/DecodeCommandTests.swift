import Foundation
import Testing
import TestSupport

/// `smartsetup decode` through the built executable, on the committed captures.
@Suite struct DecodeCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../TraceDecodingTests/Fixtures").standardized

    func fixture(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    @Test func withTheKeyLogTheWholeSessionIsPrintedAndThePassphraseHidden() async throws {
        let result = try await runSmartsetup([
            "decode", fixture("synthetic-happy-path.btsnoop"), "--keylog", fixture("synthetic-happy-path.keylog"),
        ])
        #expect(result.status == 0, "\(result)")
        for name in ["Advertisement", "Info", "ClientHello", "ServerHello", "ClientFinish", "SetCredentials", "JoinStatus"] {
            #expect(result.stdout.contains(": \(name)"), "no \(name) in \(result.stdout)")
        }
        #expect(result.stdout.contains("stage=connected, address=192.168.1.57/24"))
        let credentials = try #require(result.stdout.split(separator: "\n").first { $0.contains("SetCredentials") })
        #expect(credentials.contains("passphrase=<"))
        #expect(credentials.contains("[sealed #0]"))
    }

    @Test func jsonGivesOneObjectPerItemAndShowSecretsShowsThePassphrase() async throws {
        let result = try await runSmartsetup([
            "decode", fixture("synthetic-happy-path.btsnoop"), "--keylog", fixture("synthetic-happy-path.keylog"),
            "--json", "--show-secrets",
        ])
        #expect(result.status == 0, "\(result)")
        let lines = result.jsonLines
        #expect(lines.count == 11)
        let credentials = try #require(lines.first { $0["message"] as? String == "SetCredentials" })
        let fields = try #require(credentials["fields"] as? [String: String])
        let passphrase = try #require(fields["passphrase"])
        #expect(!passphrase.hasPrefix("<"))
        #expect(credentials["direction"] as? String == "toPrinter")
        #expect(credentials["sealedCounter"] as? Int == 0)
    }

    @Test func withoutTheKeyLogSealedRecordsStaySealed() async throws {
        let result = try await runSmartsetup(["decode", fixture("synthetic-happy-path.btsnoop")])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Sealed [sealed #4]"))
        #expect(!result.stdout.contains("SetCredentials"))
    }

    @Test func aBrokenCaptureOrKeyLogIsAUsageErrorWithItsReason() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("decode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = try Data(contentsOf: URL(fileURLWithPath: fixture("synthetic-happy-path.btsnoop")))
        let truncated = directory.appendingPathComponent("truncated.btsnoop")
        try whole.prefix(whole.count - 3).write(to: truncated)
        let cut = try await runSmartsetup(["decode", truncated.path])
        #expect(cut.status == 64, "\(cut)")
        #expect(cut.stderr.contains("truncated in record"))

        let text = directory.appendingPathComponent("notes.txt")
        try Data("hello".utf8).write(to: text)
        let notSnoop = try await runSmartsetup(["decode", text.path])
        #expect(notSnoop.status == 64)
        #expect(notSnoop.stderr.contains("not a btsnoop capture"))

        let badKeys = try await runSmartsetup(["decode", fixture("synthetic-happy-path.btsnoop"), "--keylog", text.path])
        #expect(badKeys.status == 64)
        #expect(badKeys.stderr.contains("line 1 of the key log"))

        let missing = try await runSmartsetup(["decode", directory.appendingPathComponent("absent").path])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("cannot read the capture"))
    }
}

/// `smartsetup decode` on the VM tier's real capture.
@Suite struct DecodeRealCaptureTests {
    @Test func theWholeSessionIsPrintedWithTheDecryptedMessages() async throws {
        let fixtures = DecodeCommandTests.fixtures
        let result = try await runSmartsetup([
            "decode", fixtures.appendingPathComponent("realbluez-pair-and-wrong-pin.btsnoop").path,
            "--keylog", fixtures.appendingPathComponent("realbluez-pair-and-wrong-pin.keylog").path,
        ])
        #expect(result.status == 0, "\(result)")
        let central = result.stdout.split(separator: "\n").filter { $0.contains(" hci0 conn ") }
        for text in ["central → printer: ClientHello", "printer → central: ServerHello", "central → printer: ClientFinish",
                     "SetCredentials [sealed #0] SSID=\"HomeNet\", security=wpa2PSK, passphrase=<",
                     "JoinStatus [sealed #4] stage=connected, address=192.168.1.57/24",
                     "printer → central: Error octets=9, fragments=1, code=authenticationFailed, attempts left=2"] {
            #expect(central.contains { $0.contains(text) }, "no '\(text)' in \(result.stdout)")
        }
    }
}
