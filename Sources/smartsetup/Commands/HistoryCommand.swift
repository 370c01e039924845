import ArgumentParser
import Foundation
import SetupCentral
import SetupHistory

/// `smartsetup history`: the provisioning records of the state directory, newest first.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show the provisioning history (one record per finished job), newest first.",
        discussion: """
            Reads STATE-DIR/history.sqlite without changing it. When there is no history there or it \
            cannot be read, exits \(HistoryCommand.unavailableCode) (no-history).
            """)

    /// The exit code of a history that is missing or cannot be read (`no-history`).
    static let unavailableCode: Int32 = ExitCodeTable.rows.first { $0.name == "no-history" }?.code ?? 1
    /// The most records one run prints.
    static let maximumLimit = 100_000

    @Option(help: "The state directory holding history.sqlite.")
    var stateDir = "/var/lib/smartsetup"

    @Flag(help: "One JSON object per line.")
    var json = false

    @Option(help: "Only jobs started since then: an ISO 8601 time (2026-12-05T10:00:00Z), a UTC date (2026-12-05), or an age (90s, 30m, 2h, 7d).")
    var since: SinceArgument?

    @Option(help: "Only this printer: its short id, address or name.")
    var printer: String?

    @Option(help: "At most this many records, the newest (1 to 100000).")
    var limit = 100

    func validate() throws {
        try NumberOptions.integer(limit, "--limit", in: 1...Self.maximumLimit)
        if stateDir.isEmpty { throw ValidationError("--state-dir must not be empty") }
    }

    func run() throws {
        let console = Console(json: json)
        let records: [ProvisioningRecord]
        do throws(HistoryError) {
            let store = try HistoryStore(readingFrom: stateDir)
            records = try store.records(matching: HistoryFilter(since: since?.date, printer: printer, limit: limit))
        } catch {
            if json {
                console.event("error", ["kind": "no-history", "exitCode": .int(Int(Self.unavailableCode)), "message": .string(error.message)], text: "")
            } else {
                console.note("error: \(error.message) [no-history, exit \(Self.unavailableCode)]")
            }
            throw ExitCode(Self.unavailableCode)
        }
        if json {
            for record in records { console.line(JSONValue.object(HistoryFormat.fields(record)).line) }
        } else if records.isEmpty {
            console.line("No provisioning records" + (since != nil || printer != nil ? " match." : " yet."))
        } else {
            console.line(HistoryFormat.header)
            for record in records { console.line(HistoryFormat.row(record)) }
        }
    }
}
