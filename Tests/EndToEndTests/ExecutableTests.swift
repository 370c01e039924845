import Foundation
import SetupProtocol
import Testing
import TestSupport

/// The built `smartsetup` executable: exit codes and `--json` output.
@Suite(.serialized, .cleansUp) struct ExecutableTests {
    @Test func demoPairsAndEndsWithASummary() async throws {
        let run = try await runSmartsetup(["demo", "--json", "--interval-ms", "5"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try #require(run.jsonLines.last)
        #expect(summary["event"] as? String == "summary")
        #expect(summary["roundTripsServicesResolvedToCredentialsAccepted"] as? Int == 3)
        #expect((summary["attOperationsTotal"] as? Int ?? 0) > 0)
        #expect(summary["address"] as? String == "192.168.1.57/24")
    }

    @Test func pairOverTheSimulatorWithExitCodes() async throws {
        let lab = try await startLab()
        let environment = ["DBUS_SYSTEM_BUS_ADDRESS": lab.busAddress]
        let pin = try #require(lab.printers[0].presentedPIN).revealedForDisplay()
        let directory = FileManager.default.temporaryDirectory
        let good = directory.appendingPathComponent("pass-\(UUID())").path
        try "correct horse battery\n".write(toFile: good, atomically: true, encoding: .utf8)
        let common = ["--printer", "3F0A", "--scan-time", "3", "--json", "--passphrase-file", good]

        let wrong = wrongPIN(not: lab.printers[0].presentedPIN).revealedForDisplay()
        let wrongRun = try await runSmartsetup(["pair", "--ssid", "HomeNet", "--pin", wrong] + common, environment: environment)
        #expect(wrongRun.status == 14)
        #expect(wrongRun.jsonLines.last?["kind"] as? String == "wrong-pin")
        #expect(!wrongRun.stdout.contains("correct horse battery") && !wrongRun.stderr.contains("correct horse battery"))

        let missing = try await runSmartsetup(["pair", "--ssid", "Nowhere", "--pin", pin] + common, environment: environment)
        #expect(missing.status == 18)
        #expect(missing.jsonLines.last?["kind"] as? String == "network-not-found")

        let paired = try await runSmartsetup(["pair", "--ssid", "HomeNet", "--pin", pin] + common, environment: environment)
        #expect(paired.status == 0, "\(paired.stderr)")
        let last = try #require(paired.jsonLines.last)
        #expect(last["event"] as? String == "paired")
        #expect(last["address"] as? String == "192.168.1.57/24")

        let none = try await runSmartsetup(["scan", "--timeout", "1", "--adapter", "hci9", "--json"], environment: environment)
        #expect(none.status == 10)
        await lab.stop()
    }

    @Test func wifiScanIdentifyAndResetOverTheSimulator() async throws {
        let lab = try await startLab()
        let environment = ["DBUS_SYSTEM_BUS_ADDRESS": lab.busAddress]
        let pin = try #require(lab.printers[0].presentedPIN).revealedForDisplay()
        let common = ["--printer", "3F0A", "--scan-time", "3", "--json", "--pin", pin]

        let scan = try await runSmartsetup(["wifi-scan"] + common, environment: environment)
        #expect(scan.status == 0, "\(scan.stderr)")
        let networks = scan.jsonLines.filter { $0["event"] as? String == "network" }.compactMap { $0["ssid"] as? String }
        #expect(Set(networks) == ["HomeNet", "StaticOnly", "Slow"])

        let identify = try await runSmartsetup(["identify", "--action", "beep"] + common, environment: environment)
        #expect(identify.status == 0, "\(identify.stderr)")
        #expect(identify.jsonLines.last?["event"] as? String == "identified")

        // The printer acknowledges, then the link ends: the acknowledgement must not be lost.
        let reset = try await runSmartsetup(["reset"] + common, environment: environment)
        #expect(reset.status == 0, "\(reset.stderr)")
        #expect(reset.jsonLines.last?["event"] as? String == "reset")
        for run in [scan, identify, reset] { #expect(!run.stdout.contains(pin) && !run.stderr.contains(pin)) }
        await lab.stop()
    }

    @Test func aPassphraseOnTheCommandLineIsRefused() async throws {
        let run = try await runSmartsetup(["pair", "--ssid", "HomeNet", "--passphrase", "visible in ps", "--pin", "12345670"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("shows in ps"))
    }

    @Test func helpListsTheExitCodes() async throws {
        let run = try await runSmartsetup(["--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("printer-lost"))
        #expect(run.stdout.contains("wrong-pin"))
    }
}
