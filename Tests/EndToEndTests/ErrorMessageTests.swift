import SetupCentral
import SetupProtocol
import Testing

/// Failures reach a person as words: the field and the rule, never a Swift value; exit codes
/// stay the documented ones; the cause is kept for logs.
@Suite struct ErrorMessageTests {
    @Test func anInvalidSSIDNamesTheFieldAndTheRule() async throws {
        let run = try await runSmartsetup(
            ["pair", "--ssid", String(repeating: "A", count: 33), "--security", "open", "--pin", "1234-5670"],
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/nonexistent/smartsetup-test-bus"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("invalid network settings: the SSID is invalid: must be 1 to 32 octets"), "\(run.stderr)")
        #expect(!run.stderr.contains("ProtocolError") && !run.stderr.contains("SetupProtocol."), "\(run.stderr)")
    }

    @Test func aBadStaticAddressIsOneUsageError() async throws {
        let run = try await runSmartsetup(
            ["pair", "--ssid", "HomeNet", "--security", "open", "--pin", "1234-5670", "--static-ip", "bad", "--gateway", "192.168.1.1"],
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/nonexistent/smartsetup-test-bus"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("error: --static-ip must be a.b.c.d/prefix and --gateway a.b.c.d [usage, exit 64]"), "\(run.stderr)")
        #expect(!run.stderr.contains("usage: --static-ip"), "\(run.stderr)")
    }

    @Test func anUnreachableBusSaysSoInWords() async throws {
        let run = try await runSmartsetup(
            ["scan", "--timeout", "2"], environment: ["DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/nonexistent/smartsetup-test-bus"])
        #expect(run.status == 10)
        #expect(run.stderr.contains("cannot reach the D-Bus system bus"), "\(run.stderr)")
        #expect(!run.stderr.contains("DBusError"), "\(run.stderr)")
    }

    @Test func aProtocolFailureKeepsItsCauseForLogsAndSaysWhatHappened() {
        let cause = ProtocolError(.counterExhausted, detail: "counter at its limit")
        let error = SetupError.from(cause)
        #expect(error.exitCode == 1)
        #expect(error.message.hasPrefix("protocol failure: "), "\(error.message)")
        #expect((error.cause as? ProtocolError) == cause)
        #expect(error.diagnostic.hasPrefix("internal: protocol failure"))
        #expect(error.diagnostic.contains("[cause: "))
    }

    /// SPEC §13.1: a record out of place (a repeated single-fragment ServerHello) is the link's
    /// doing as far as the kiosk can tell: message-lost (23, retry), never internal (1).
    @Test func aMessageOutOfPlaceIsMessageLostNotInternal() {
        let cause = ProtocolError(.unexpectedMessage, detail: "ServerHello while authenticated")
        let error = SetupError.from(cause)
        #expect(error.exitCode == 23)
        #expect(error.kindName == "message-lost")
        #expect(error.message.contains("try again"), "\(error.message)")
        #expect(error.diagnostic.contains("ServerHello while authenticated"), "\(error.diagnostic)")
    }
}
