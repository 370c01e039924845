import Foundation
import SetupDoctor
import Testing

/// The verdict and exit code, and BlueZ's configuration file.
@Suite struct ReportAndConfigTests {
    func check(_ id: String, _ status: DoctorCheck.Status, _ failure: DoctorExitCode? = nil) -> DoctorCheck {
        DoctorCheck(id: id, title: id, status: status, found: "\(id) found", failure: failure)
    }

    @Test func theMostFundamentalFailureDecides() {
        let ready = DoctorReport(checks: [check("a", .ok), check("b", .info), check("c", .skipped)])
        #expect(ready.exitCode == 0 && ready.outcome == nil && ready.verdict.hasPrefix("ready:"))
        let warned = DoctorReport(checks: [check("a", .ok), check("b", .warning), check("c", .warning)])
        #expect(warned.exitCode == 30 && warned.verdict == "ready, with 2 warnings: see the fixes above")
        let failed = DoctorReport(checks: [
            check("w", .warning), check("bus", .failed, .bluetoothdUnreachable), check("kernel", .failed, .noKernelBluetooth),
        ])
        #expect(failed.exitCode == 31)
        #expect(failed.verdict == "not ready: the kernel has no Bluetooth")
        var withFix = failed
        withFix.checks[2].fix = "modprobe"
        #expect(withFix.verdict == "not ready: the kernel has no Bluetooth; fix: modprobe")
        #expect(DoctorExitCode.allCases.map(\.rawValue) == Array(30...37))
        #expect(DoctorExitCode.helpText.contains("31 no-kernel-bluetooth"))
    }

    @Test func mainConfIsParsed() {
        let conf = BlueZMainConf(parsing: """
            [General]
            Channels = 7
            # [GATT]
            [GATT]
            ; Channels = 3
            Channels = 1
            [LE]
            MinConnectionInterval=7
            MaxConnectionInterval = 9
            """)
        #expect(conf == BlueZMainConf(gattChannels: 1, minConnectionInterval: 7, maxConnectionInterval: 9))
        let lines = BlueZMainConf.checks(conf, path: "/x/main.conf")
        #expect(lines.map(\.status) == [.ok, .ok])
        #expect(lines[1].found == "min 7 (8.75 ms), max 9 (11.25 ms)")
    }

    @Test func mainConfDefaultsAndBadValuesWarn() {
        let unset = BlueZMainConf.checks(BlueZMainConf(parsing: "[GATT]\n#Channels = 3\n"), path: "/x/main.conf")
        #expect(unset[0].status == .warning && unset[0].found.hasPrefix("not set"))
        #expect(unset[0].fix == "set `Channels = 1` under `[GATT]` in /x/main.conf, then `systemctl restart bluetooth`")
        #expect(unset[1].status == .ok && unset[1].found == "min kernel default, max kernel default")
        let unreadable = BlueZMainConf.checks(BlueZMainConf.read(path: "/nonexistent/main.conf"), path: "/nonexistent/main.conf")
        #expect(unreadable[0].status == .warning && unreadable[0].found.hasPrefix("/nonexistent/main.conf cannot be read"))
        let three = BlueZMainConf.checks(BlueZMainConf(parsing: "[GATT]\nChannels = 3\n[LE]\nMinConnectionInterval = 40\nMaxConnectionInterval = 24\n"))
        #expect(three[0].status == .warning && three[0].found.hasPrefix("3: BlueZ may open 3 ATT bearers"))
        #expect(three[1].status == .warning && three[1].fix?.contains("must not exceed") == true)
        let outOfRange = BlueZMainConf.checks(BlueZMainConf(parsing: "[LE]\nMaxConnectionInterval = 5000\n"))
        #expect(outOfRange[1].status == .warning)
    }
}

/// `bluetoothd --version`, bounded in time.
@Suite struct InstalledBluetoothdTests {
    @Test func theInstalledVersionIsRead() async throws {
        if FileManager.default.isExecutableFile(atPath: "/usr/libexec/bluetooth/bluetoothd") {
            let version = try #require(await InstalledBluetoothd.version())
            #expect(version.wholeMatch(of: /5\.[0-9]+/) != nil, "\(version)")
        }
        #expect(await InstalledBluetoothd.version(paths: ["/nonexistent/bluetoothd"]) == nil)
    }

    @Test func aHungProgramIsKilledAtTheDeadline() async throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("hang-\(UUID()).sh").path
        try "#!/bin/sh\nexec sleep 30\n".write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        let start = ContinuousClock.now
        #expect(await InstalledBluetoothd.version(paths: [script], timeout: .milliseconds(300)) == nil)
        // Killed, not waited out: the script sleeps 30 s (a bound far from the 300 ms deadline,
        // which a loaded machine's scheduling may stretch by seconds).
        #expect(ContinuousClock.now - start < .seconds(25))
    }
}
