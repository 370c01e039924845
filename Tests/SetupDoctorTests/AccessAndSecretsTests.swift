import DBus
import Foundation
import SetupDoctor
import SimulatedNetworkManager
import Testing
import TestSupport

/// The bus lines that depend on what the bus and NetworkManager allow this user: org.bluez
/// refused by the bus's policy (exit 36), and NetworkManager's `GetSecrets` for `--host-wifi`.
@Suite(.serialized, .cleansUp, .timeLimit(.minutes(1))) struct AccessAndSecretsTests {
    /// A private dbus-daemon with the system bus's default policy (method calls denied unless a
    /// rule allows them) and no rule for org.bluez: as on a system whose bluetooth.conf does not
    /// let this user call bluetoothd. A stand-in owns org.bluez; the bus refuses the call to it.
    @Test func aBusThatRefusesOrgBluezIsExit36() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smartsetup-doctor-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        try CleanupScope.atEnd(of: "the bus directory") { try? FileManager.default.removeItem(atPath: directory) }
        try systemLikeBusConfiguration(socket: directory + "/bus.sock", rules: [#"<allow own="org.bluez"/>"#])
            .write(toFile: directory + "/bus.conf", atomically: true, encoding: .utf8)
        let bus = try RunningTool.start("dbus-daemon", ["--config-file=\(directory)/bus.conf", "--nofork", "--print-address"])
        var address = ""
        try await eventually("the bus's address") {
            address = bus.stdout.split(separator: "\n").first.map(String.init) ?? ""
            return !address.isEmpty
        }
        let bluez = try await DBusConnection.open(.address(address))
        defer { bluez.close() }
        #expect(try await bluez.requestName("org.bluez") == .primaryOwner)

        let checks = await SystemBusChecks(bus: .address(address), timeout: .seconds(5)).run(bluetoothdVersion: nil)
        let access = try #require(checks.first { $0.id == "bluez-access" })
        #expect(access.status == .failed && access.failure == .bluezAccessDenied)
        #expect(access.found.hasPrefix("the bus refuses this user's calls to org.bluez"), "\(access.found)")
        #expect(access.fix == "run as root or add the user to the bluetooth group (`adduser USER bluetooth`, then log in again)")
        #expect(!checks.contains { $0.id.hasPrefix("adapter") })
        let report = DoctorReport(checks: checks)
        #expect(report.exitCode == 36 && report.outcome == .bluezAccessDenied)
        #expect(report.verdict == "not ready: this user may not call org.bluez; fix: \(access.fix ?? "")")
    }

    /// `GetSecrets` against the simulated NetworkManager: allowed, refused by polkit, and not
    /// tried without an active Wi-Fi connection. The passphrase never shows.
    @Test func getSecretsIsReportedForHostWiFi() async throws {
        let bus = try await PrivateBus.start()
        let networkManager = try await SimulatedNetworkManager.start(
            busAddress: bus.address,
            profiles: [.personal(id: "HomeNet", uuid: "5f0bd0a4-0c3e-4d8a-9a52-0d3c1b2a7e61", ssid: "HomeNet", passphrase: "correct horse battery")])
        try CleanupScope.atEnd(of: "the simulated NetworkManager") { await networkManager.stop() }
        let doctor = SystemBusChecks(bus: .address(bus.address), timeout: .seconds(5))
        func secretsLine() async throws -> DoctorCheck {
            let checks = await doctor.run(bluetoothdVersion: nil)
            #expect(checks.first { $0.id == "networkmanager" }?.status == .ok)
            #expect(!checks.contains { $0.found.contains("correct horse") || $0.found.contains("HomeNet") })
            return try #require(checks.first { $0.id == "networkmanager.secrets" })
        }

        let idle = try await secretsLine()
        #expect(idle.status == .info && idle.found.hasPrefix("not tried: this host has no active Wi-Fi connection"), "\(idle.found)")

        try networkManager.activate("HomeNet")
        let allowed = try await secretsLine()
        #expect(allowed.status == .ok)
        #expect(allowed.found == "allowed: this user may read the active Wi-Fi connection's passphrase (wpa2)")

        networkManager.setSecretsGranted(false)
        let refused = try await secretsLine()
        #expect(refused.status == .info)
        #expect(refused.found.hasPrefix("refused: NetworkManager gives this user no Wi-Fi passphrase (polkit action org.freedesktop.NetworkManager.settings.modify.system not granted)"))
        #expect(refused.fix == "for the smartsetup service: `cp /usr/share/doc/smartsetup/examples/50-smartsetup-networkmanager.rules /etc/polkit-1/rules.d/` (it grants that action to the user smartsetup); otherwise run as root")
        #expect(DoctorReport(checks: [refused]).exitCode == 0, "only --host-wifi needs it")

        await networkManager.stop()
        let gone = await doctor.run(bluetoothdVersion: nil)
        #expect(!gone.contains { $0.id == "networkmanager.secrets" }, "no NetworkManager: its own line says so")
        #expect(gone.first { $0.id == "networkmanager" }?.status == .info)
    }
}
