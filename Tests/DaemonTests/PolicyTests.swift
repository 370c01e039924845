#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// `packaging/dbus/io.smartsetup1.conf` on a private dbus-daemon whose configuration includes
/// it, with system-bus defaults (method calls denied unless allowed), the daemon running as one
/// unprivileged user and clients as others (through `setpriv`). Needs root (CI runs as root on a
/// fresh machine): it creates, idempotently, the group and the system user `smartsetup` that the
/// Debian package creates (packaging/sysusers.d) and the daemon runs as, and two more system
/// users without home or shell, `smartsetup-test-member` (in the group) and
/// `smartsetup-test-stranger` (dbus-daemon resolves a client's groups from the user database, so
/// bare numeric uids do not do). The bus includes the shipped file and nothing else of ours.
@Suite(.cleansUp, .enabled(if: getuid() == 0, "needs root to run processes as other uids"))
struct PolicyTests {
    static let daemonUID = "smartsetup", memberUID = "smartsetup-test-member", strangerUID = "smartsetup-test-stranger"

    /// Creates the system user `name` unless it exists; adds it to `group` when given.
    private func ensureUser(_ name: String, group: String? = nil, primaryGroup: String? = nil) async throws {
        if try await Tool.run("id", ["-u", name], deadline: .seconds(10)).status != 0 {
            let primary = primaryGroup.map { ["-g", $0] } ?? []
            let made = try await Tool.run("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin"] + primary + [name], deadline: .seconds(30))
            #expect(made.status == 0, "\(made)")
        }
        if let group {
            let added = try await Tool.run("usermod", ["-a", "-G", group, name], deadline: .seconds(30))
            #expect(added.status == 0, "\(added)")
        }
    }

    private var policyFile: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("packaging/dbus/io.smartsetup1.conf").path
    }

    private func configuration(socket: String) -> String {
        systemLikeBusConfiguration(
            socket: socket,
            rules: [
                #"<deny own="*"/>"#,
                #"<allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>"#,
                #"<allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>"#,
            ],
            include: policyFile)
    }

    private func asUser(_ uid: String, groups: String?, _ command: [String], address: String) async throws -> ToolResult {
        let credentials = ["--reuid=\(uid)", "--regid=\(uid)", "--init-groups"]
        return try await Tool.run("setpriv", credentials + command, environment: ["DBUS_SYSTEM_BUS_ADDRESS": address], deadline: .seconds(30))
    }

    @Test func membersOfTheGroupMayCallOthersOnlyIntrospectAndOnlyTheDaemonOwnsTheName() async throws {
        let group = try await Tool.run("groupadd", ["-f", "smartsetup"], deadline: .seconds(30))
        #expect(group.status == 0, "\(group)")
        let entry = try await Tool.run("getent", ["group", "smartsetup"], deadline: .seconds(10))
        let gid = try #require(entry.stdout.split(separator: ":").dropFirst(2).first.map(String.init))
        try await ensureUser(Self.daemonUID, primaryGroup: "smartsetup")
        try await ensureUser(Self.memberUID, group: "smartsetup")
        try await ensureUser(Self.strangerUID)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smartsetup-policy-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        try CleanupScope.atEnd(of: "the bus directory") { try? FileManager.default.removeItem(atPath: directory) }
        try configuration(socket: directory + "/bus.sock").write(toFile: directory + "/bus.conf", atomically: true, encoding: .utf8)
        let bus = try RunningTool.start("dbus-daemon", ["--config-file=\(directory)/bus.conf", "--nofork", "--print-address"])
        var address = ""
        try await eventually("the bus's address") {
            address = bus.stdout.split(separator: "\n").first.map(String.init) ?? ""
            return !address.isEmpty
        }
        // Every name of the configuration resolved (an unknown user or group would be ignored).
        #expect(!bus.stderr.contains("Unknown"), "dbus-daemon complained: \(bus.stderr)")

        let smartsetup = smartsetupExecutable
        // A stranger cannot own the name.
        let stranger = try await asUser(Self.strangerUID, groups: nil, [smartsetup, "serve", "--bus", address, "--adapter", "hci0", "--state-dir", try await stateDirectory(owner: Self.strangerUID)], address: address)
        #expect(stranger.status == 51, "\(stranger)")
        #expect(stranger.stderr.contains("AccessDenied") || stranger.stderr.contains("not allowed"), "\(stranger.stderr)")

        let credentials = ["--reuid=\(Self.daemonUID)", "--regid=\(Self.daemonUID)", "--init-groups"]
        let daemon = try RunningTool.start("setpriv", credentials + [smartsetup, "serve", "--bus", address, "--adapter", "hci0", "--state-dir", try await stateDirectory(owner: Self.daemonUID)])
        let version = ["busctl", "--address=\(address)", "get-property", "io.smartsetup1", "/io/smartsetup1", "io.smartsetup1.Manager1", "Version"]
        var member = try await asUser(Self.memberUID, groups: gid, version, address: address)
        try await eventually("the daemon answers a member of the group") {
            #expect(daemon.isRunning, "\(daemon.stderr)")
            member = try await asUser(Self.memberUID, groups: gid, version, address: address)
            return member.status == 0
        }
        #expect(member.stdout.contains(#"s "1.0""#), "\(member)")

        let refused = try await asUser(Self.strangerUID, groups: nil, version, address: address)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("Access denied") || refused.stderr.contains("AccessDenied"), "\(refused)")
        let pair = try await asUser(
            Self.strangerUID, groups: nil, ["busctl", "--address=\(address)", "call", "io.smartsetup1", "/io/smartsetup1", "io.smartsetup1.Manager1", "Reset", "a{sv}", "0"],
            address: address)
        #expect(pair.status != 0 && (pair.stderr.contains("Access denied") || pair.stderr.contains("AccessDenied")), "\(pair)")
        let introspect = try await asUser(
            Self.strangerUID, groups: nil, ["busctl", "--address=\(address)", "introspect", "--xml-interface", "io.smartsetup1", "/io/smartsetup1"],
            address: address)
        #expect(introspect.status == 0 && introspect.stdout.contains("io.smartsetup1.Manager1"), "\(introspect)")
    }
}
