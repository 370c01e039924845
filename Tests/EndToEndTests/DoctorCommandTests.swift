import Foundation
import Testing
import TestSupport

/// `smartsetup doctor` through the built executable, against the simulated BlueZ on a private bus.
@Suite(.serialized, .cleansUp) struct DoctorCommandTests {
    @Test func doctorReportsThisMachineAndEndsWithAVerdict() async throws {
        let lab = try await startLab()
        let environment = ["DBUS_SYSTEM_BUS_ADDRESS": lab.busAddress]
        let run = try await runSmartsetup(["doctor", "--json"], environment: environment, deadline: .seconds(60))
        let lines = run.jsonLines
        let kernel = try #require(lines.first)
        #expect(kernel["event"] as? String == "check" && kernel["id"] as? String == "kernel")
        let byID = Dictionary(lines.compactMap { line in (line["id"] as? String).map { ($0, line) } }, uniquingKeysWith: { first, _ in first })
        #expect(byID["bluetoothd"]?["status"] as? String == "ok")
        #expect(byID["bluez-access"]?["status"] as? String == "ok")
        #expect(byID["adapter.hci0"]?["status"] as? String == "ok")
        #expect(byID["daemon"]?["status"] as? String == "info")
        #expect((byID["daemon"]?["found"] as? String)?.hasPrefix("not running") == true)
        let verdict = try #require(lines.last)
        #expect(verdict["event"] as? String == "verdict")
        #expect(verdict["exitCode"] as? Int == Int(run.status))
        if kernel["status"] as? String == "failed" {
            // This machine: no Bluetooth in the kernel.
            #expect(kernel["found"] as? String == "this kernel has no Bluetooth (AF_BLUETOOTH socket: Address family not supported by protocol)")
            #expect(byID["controllers"]?["status"] as? String == "skipped")
            #expect(run.status == 31)
            #expect(verdict["kind"] as? String == "no-kernel-bluetooth")
        } else {
            #expect(kernel["status"] as? String == "ok")
        }
        await lab.stop()
    }

    @Test func doctorWithoutABusSaysSoAndDoesNotCrash() async throws {
        let run = try await runSmartsetup(["doctor"], environment: ["DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/nonexistent/bus"], deadline: .seconds(60))
        #expect([31, 35].contains(run.status), "\(run.stdout)\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.contains("Bluetooth in the kernel: ") == true)
        #expect(lines.contains { $0.hasPrefix("FAILED    system bus: cannot connect to unix:path=/nonexistent/bus") })
        #expect(lines.contains { $0.hasPrefix("          fix: ") })
        #expect(lines.last?.hasPrefix("verdict: not ready: ") == true)
        #expect(run.stderr.isEmpty)
    }

    @Test func doctorHelpListsItsExitCodes() async throws {
        let run = try await runSmartsetup(["doctor", "--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("37 adapter-not-ready"))
    }
}
