import Foundation
import Testing
import TestSupport

/// The cheap, static checks of `packaging/` that CI runs on every change (building and installing
/// the .deb takes 15+ minutes and a debootstrap root: `scripts/build-deb.sh`,
/// `scripts/check-deb-install.sh`, see packaging/README.md): the unit's exposure stays below 2.0,
/// the sysusers file makes the user and group the unit and the D-Bus policy name, and the
/// maintainer and packaging scripts parse.
@Suite struct PackagingFilesTests {
    static let packaging = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("packaging")

    @Test func theUnitsExposureStaysBelow2() async throws {
        let unit = Self.packaging.appendingPathComponent("systemd/smartsetup.service").path
        let run = try await Tool.run("systemd-analyze", ["security", "--offline=true", unit], deadline: .seconds(30))
        #expect(run.status == 0, "\(run)")
        let line = try #require(run.stdout.firstMatch(of: /Overall exposure level for smartsetup\.service: ([0-9]+\.[0-9]+) ([A-Z]+)/), "\(run.stdout)")
        let exposure = try #require(Double(line.output.1))
        #expect(exposure < 2.0, "packaging/README.md records 0.9 SAFE: \(line.output.0)")
    }

    @Test func sysusersMakesTheUserTheUnitRunsAs() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("smartsetup-sysusers-\(UUID())").path
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let conf = try Data(contentsOf: Self.packaging.appendingPathComponent("sysusers.d/smartsetup.conf"))
        let run = try await Tool.run("systemd-sysusers", ["--dry-run", "--root=\(root)", "-"], input: .bytes(Array(conf)), mergingStandardError: true, deadline: .seconds(30))
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("Creating group 'smartsetup'") && run.stdout.contains("Creating user 'smartsetup'"), "\(run.stdout)")
        let unit = try String(contentsOf: Self.packaging.appendingPathComponent("systemd/smartsetup.service"), encoding: .utf8)
        #expect(unit.contains("\nUser=smartsetup\n"))
    }

    @Test func theScriptsParse() async throws {
        let scripts = ["debian/postinst", "debian/prerm", "debian/postrm"].map { Self.packaging.appendingPathComponent($0).path }
            + ["build-deb.sh", "check-deb-install.sh"].map { Self.packaging.deletingLastPathComponent().appendingPathComponent("scripts/\($0)").path }
        for script in scripts {
            let shell = script.contains("/debian/") ? "sh" : "bash"
            let run = try await Tool.run(shell, ["-n", script], deadline: .seconds(10))
            #expect(run.status == 0, "\(script): \(run)")
        }
    }
}
