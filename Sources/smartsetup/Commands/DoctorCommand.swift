import ArgumentParser
import Foundation
import SetupDoctor

/// `smartsetup doctor`: can smartsetup work here, and if not, what to fix.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the kernel, the Bluetooth controllers, bluetoothd, BlueZ's settings, the smartsetup daemon and NetworkManager.",
        discussion: """
            Read-only: changes nothing. Each line says what was found and, when something is wrong, the fix.
            The last line is the verdict.

            EXIT CODES
            \(DoctorExitCode.helpText)
            """)

    @Option(help: "Check only this Bluetooth adapter (e.g. hci0).")
    var adapter: String?

    @Flag(help: "One JSON object per line.")
    var json = false

    func run() async throws {
        var options = Doctor.Options()
        options.adapter = adapter
        let report = await Doctor(options: options).run()
        let console = Console(json: json)
        for check in report.checks {
            console.event("check", [
                "id": .string(check.id), "title": .string(check.title), "status": .string(check.status.rawValue),
                "found": .string(check.found), "fix": .optional(check.fix),
            ], text: Self.line(check))
        }
        console.event("verdict", [
            "verdict": .string(report.verdict), "exitCode": .int(Int(report.exitCode)), "kind": .optional(report.outcome?.name),
        ], text: "verdict: \(report.verdict)")
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    /// "STATUS  title: found", then "        fix: ..." when there is one.
    static func line(_ check: DoctorCheck) -> String {
        let status = check.status.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)
        let fix = check.fix.map { "\n          fix: \($0)" } ?? ""
        return "\(status)  \(check.title): \(check.found)\(fix)"
    }
}
