import Foundation
import SetupDoctor
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The kernel, rfkill and controller lines, from what this machine has and from made-up values.
@Suite struct KernelAndControllerTests {
    /// This machine's kernel has no Bluetooth: the doctor says exactly that, skips the
    /// controllers and exits 31. (In the VM tier, where it has, the socket opens.)
    @Test func thisKernelIsReportedAsItIs() async throws {
        let error = KernelBluetooth.socketError()
        var options = Doctor.Options()
        options.bus = .address("unix:path=/nonexistent/bus")
        options.timeout = .seconds(2)
        let report = await Doctor(options: options).run()
        let kernel = try #require(report.checks.first)
        #expect(kernel.id == "kernel")
        if error == EAFNOSUPPORT {
            #expect(kernel.status == .failed)
            #expect(kernel.found.hasPrefix("this kernel has no Bluetooth"))
            #expect(report.checks.contains { $0.id == "controllers" && $0.status == .skipped })
            #expect(report.exitCode == 31)
            #expect(report.verdict.hasPrefix("not ready: the kernel has no Bluetooth"))
        } else {
            #expect(error == nil)
            #expect(kernel.status == .ok)
            #expect(!report.checks.contains { $0.status == .skipped })
        }
        // The unreachable bus is its own failed line, whatever the kernel.
        #expect(report.checks.contains { $0.id == "system-bus" && $0.failure == .bluetoothdUnreachable })
    }

    @Test func socketErrorsBecomeFailuresWithTheirReason() {
        let missing = KernelBluetooth.check(socketError: EAFNOSUPPORT)
        #expect(missing.status == .failed && missing.failure == .noKernelBluetooth)
        #expect(missing.found == "this kernel has no Bluetooth (AF_BLUETOOTH socket: Address family not supported by protocol)")
        let filtered = KernelBluetooth.check(socketError: EPERM)
        #expect(filtered.failure == .noKernelBluetooth && filtered.fix?.contains("RestrictAddressFamilies") == true)
        #expect(KernelBluetooth.check(socketError: nil).status == .ok)
    }

    @Test func rfkillSwitchesAreReadFromSysfs() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rfkill-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        func make(_ name: String, _ values: [String: String]) throws {
            try FileManager.default.createDirectory(atPath: "\(root)/\(name)", withIntermediateDirectories: true)
            for (file, value) in values { try (value + "\n").write(toFile: "\(root)/\(name)/\(file)", atomically: true, encoding: .utf8) }
        }
        #expect(RfkillSwitch.list(root: root).isEmpty)
        #expect(RfkillSwitch.check([]).status == .ok)
        try make("rfkill0", ["type": "bluetooth", "name": "hci0", "soft": "1", "hard": "0"])
        try make("rfkill1", ["type": "wlan", "name": "phy0", "soft": "1", "hard": "1"])
        let switches = RfkillSwitch.list(root: root)
        #expect(switches == [RfkillSwitch(id: "rfkill0", name: "hci0", softBlocked: true, hardBlocked: false)])
        let soft = RfkillSwitch.check(switches)
        #expect(soft.status == .failed && soft.failure == .controllerBlocked && soft.fix == "`rfkill unblock bluetooth`")
        #expect(soft.found == "hci0: soft blocked")
        try make("rfkill2", ["type": "bluetooth", "name": "hp-bluetooth", "soft": "0", "hard": "1"])
        let hard = RfkillSwitch.check(RfkillSwitch.list(root: root))
        #expect(hard.found == "hci0: soft blocked, hp-bluetooth: hard blocked")
        #expect(hard.fix?.contains("hard block cannot be lifted by software") == true)
        #expect(RfkillSwitch.check([RfkillSwitch(id: "rfkill0", name: "hci0", softBlocked: false, hardBlocked: false)]).status == .ok)
    }

    @Test func controllerLinesSayWhatIsWrong() {
        let version = HCIController.Version(
            hci: 9, hciName: "5.0", hciRevision: 0, lmp: 9, lmpName: "5.0", lmpSubversion: 0, manufacturer: 1521, manufacturerName: "Linux Foundation")
        let good = HCIController(name: "hci0", address: "00:AA:01:00:00:23", isUp: true, supportsLE: true, version: version)
        let line = ControllerChecks.check(good)
        #expect(line.status == .ok && line.id == "controller.hci0")
        #expect(line.found == "00:AA:01:00:00:23, up, LE supported, HCI 5.0 (9, revision 0), LMP 5.0 (9, subversion 0), manufacturer Linux Foundation (1521)")
        var classic = good
        classic.supportsLE = false
        classic.name = "hci1"
        #expect(ControllerChecks.check(classic).failure == .controllerUnusable && ControllerChecks.check(classic).id == "controller.hci1")
        var down = good
        down.isUp = false
        down.version = nil
        #expect(ControllerChecks.check(down).status == .warning)
        #expect(ControllerChecks.check(down).found.hasSuffix("version not read while down"))
        #expect(ControllerChecks.checks([], adapter: nil).first?.failure == .noController)
        let missing = ControllerChecks.checks([good], adapter: "hci3")
        #expect(missing.count == 1 && missing[0].failure == .noController && missing[0].found == "no controller hci3 (the kernel has hci0)")
        #expect(ControllerChecks.checks([good, classic], adapter: "hci0") == [line])
    }

    @Test func listingControllersOnThisKernelDoesNotCrash() {
        let controllers = HCIController.list()
        if KernelBluetooth.socketError() == EAFNOSUPPORT { #expect(controllers.isEmpty) }
        #expect(HCIController.list(named: "hci-none").isEmpty)
    }
}
