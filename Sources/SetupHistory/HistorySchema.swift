import Foundation
import GRDB

/// The database schema (as GRDB migrations) and the mapping between a ``ProvisioningRecord`` and
/// a row of the `provisioning` table. Times are REAL seconds since 1970 (UTC), the SSID a BLOB,
/// the phase durations a JSON object of seconds.
enum HistorySchema {
    /// The migrations, in order. Never edit a registered migration: append a new one.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: provisioning") { db in
            try db.create(table: "provisioning") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("kind", .text).notNull()
                table.column("started", .double).notNull()
                table.column("finished", .double).notNull()
                table.column("printerShortId", .text)
                table.column("printerName", .text)
                table.column("printerAddress", .text)
                table.column("adapter", .text)
                table.column("ssid", .blob)
                table.column("outcome", .text).notNull()
                table.column("error", .text)
                table.column("exitCode", .integer).notNull()
                table.column("message", .text)
                table.column("printerIPv4", .text)
                table.column("phaseDurations", .text).notNull()
            }
            try db.create(index: "provisioning_started", on: "provisioning", columns: ["started"])
        }
        return migrator
    }()

    static let insert = """
        INSERT INTO provisioning (kind, started, finished, printerShortId, printerName, printerAddress, adapter, ssid,
            outcome, error, exitCode, message, printerIPv4, phaseDurations)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// The insert's arguments for `record` (its id is left to SQLite).
    static func arguments(for record: ProvisioningRecord) throws -> StatementArguments {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let phases = String(decoding: try encoder.encode(record.phaseDurations), as: UTF8.self)
        let values: [(any DatabaseValueConvertible)?] = [
            record.kind, record.started.timeIntervalSince1970, record.finished.timeIntervalSince1970,
            record.printerShortId, record.printerName, record.printerAddress, record.adapter, record.ssid.map { Data($0) },
            record.outcome, record.error, Int64(record.exitCode), record.message, record.printerIPv4, phases,
        ]
        return StatementArguments(values)
    }

    /// The query for `filter`, newest first.
    static func select(_ filter: HistoryFilter) -> (String, StatementArguments) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let since = filter.since {
            conditions.append("started >= ?")
            arguments += [since.timeIntervalSince1970]
        }
        if let until = filter.until {
            conditions.append("started < ?")
            arguments += [until.timeIntervalSince1970]
        }
        if let printer = filter.printer {
            conditions.append("(printerShortId = ? COLLATE NOCASE OR printerAddress = ? COLLATE NOCASE OR printerName = ?)")
            arguments += [printer, printer, printer]
        }
        if let outcome = filter.outcome {
            conditions.append("outcome = ?")
            arguments += [outcome]
        }
        var sql = "SELECT * FROM provisioning"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY started DESC, id DESC"
        if let limit = filter.limit {
            sql += " LIMIT ?"
            arguments += [limit]
        }
        return (sql, arguments)
    }

    /// The record in `row`; a row that does not fit the schema means a damaged file.
    static func record(from row: Row, path: String) throws(HistoryError) -> ProvisioningRecord {
        guard let id: Int64 = row["id"], let kind: String = row["kind"], let started: Double = row["started"],
              let finished: Double = row["finished"], let outcome: String = row["outcome"], let exitCode: Int64 = row["exitCode"],
              let phasesText: String = row["phaseDurations"],
              let phases = try? JSONDecoder().decode([String: Double].self, from: Data(phasesText.utf8)),
              let exit = Int32(exactly: exitCode)
        else {
            throw HistoryError(.corrupt, "\(path) holds a record that does not fit the history's schema")
        }
        let ssid: Data? = row["ssid"]
        return ProvisioningRecord(
            id: id, kind: kind, started: Date(timeIntervalSince1970: started), finished: Date(timeIntervalSince1970: finished),
            printerShortId: row["printerShortId"], printerName: row["printerName"], printerAddress: row["printerAddress"],
            adapter: row["adapter"], ssid: ssid.map { [UInt8]($0) }, outcome: outcome, error: row["error"], exitCode: exit,
            message: row["message"], printerIPv4: row["printerIPv4"], phaseDurations: phases)
    }
}
