import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// The provisioning history: one ``ProvisioningRecord`` per finished job, in the SQLite database
/// `history.sqlite` of a state directory.
///
/// Durability: the database runs in WAL mode with `synchronous = FULL`, and each ``append(_:)`` is
/// one transaction that returns only after its commit reached the write-ahead log and was synced.
/// A record whose id was returned survives a `kill -9` of the process (and a power loss), and a
/// crash at any moment leaves a database that opens (SQLite's journal rolls an unfinished
/// transaction back when the file is next opened). Safe to use from several tasks and processes.
public final class HistoryStore: Sendable {
    /// The database file's path.
    public let path: String
    private let queue: DatabaseQueue

    /// The name of the database file in the state directory.
    public static let fileName = "history.sqlite"

    /// Opens the history in `directory` for writing, creating the directory (mode 0700, with any
    /// missing parents) and the database when they do not exist, and bringing its schema up to date.
    public init(directory: String) throws(HistoryError) {
        try Self.makeDirectory(directory)
        path = (directory as NSString).appendingPathComponent(Self.fileName)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        queue = try Self.open(path, configuration)
        do {
            if try queue.read({ try HistorySchema.migrator.hasBeenSuperseded($0) }) {
                throw HistoryError(.newerSchema, "\(path) was written by a newer smartsetup; this one cannot add to it")
            }
            try HistorySchema.migrator.migrate(queue)
        } catch let error as HistoryError {
            throw error
        } catch {
            throw HistoryStore.map(error, path: path, doing: "prepare")
        }
    }

    /// Opens an existing history in `directory` for reading only; creates nothing. Throws
    /// ``HistoryError/Kind/notFound`` when there is no database there.
    public init(readingFrom directory: String) throws(HistoryError) {
        path = (directory as NSString).appendingPathComponent(Self.fileName)
        if access(path, F_OK) != 0 {
            if errno == EACCES { throw HistoryError(.permissionDenied, "no permission to look into \(directory) (try as root, or another --state-dir)") }
            throw HistoryError(.notFound, "there is no provisioning history at \(path) (nothing recorded yet, or another --state-dir)")
        }
        if access(path, R_OK) != 0 {
            throw HistoryError(.permissionDenied, "no permission to read \(path) (try as root)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        queue = try Self.open(path, configuration)
        do {
            let (superseded, complete) = try queue.read { db in
                (try HistorySchema.migrator.hasBeenSuperseded(db), try HistorySchema.migrator.hasCompletedMigrations(db))
            }
            if superseded { throw HistoryError(.newerSchema, "\(path) was written by a newer smartsetup; this one cannot read it") }
            if !complete { throw HistoryError(.corrupt, "\(path) is not a smartsetup history database") }
        } catch let error as HistoryError {
            throw error
        } catch {
            throw HistoryStore.map(error, path: path, doing: "read")
        }
    }

    /// Appends `record` (its ``ProvisioningRecord/id`` is ignored) in one transaction and returns
    /// the new record's id once the transaction is committed and synced.
    @discardableResult
    public func append(_ record: ProvisioningRecord) throws(HistoryError) -> Int64 {
        do {
            let row = try HistorySchema.arguments(for: record)
            return try queue.write { db in
                try db.execute(sql: HistorySchema.insert, arguments: row)
                return db.lastInsertedRowID
            }
        } catch {
            throw HistoryStore.map(error, path: path, doing: "write to")
        }
    }

    /// The records that match `filter`, newest first (by start time, then by id).
    public func records(matching filter: HistoryFilter = HistoryFilter()) throws(HistoryError) -> [ProvisioningRecord] {
        if let limit = filter.limit, limit < 1 { return [] }
        let rows: [Row]
        do {
            let (sql, arguments) = HistorySchema.select(filter)
            rows = try queue.read { try Row.fetchAll($0, sql: sql, arguments: arguments) }
        } catch {
            throw HistoryStore.map(error, path: path, doing: "read")
        }
        var records: [ProvisioningRecord] = []
        records.reserveCapacity(rows.count)
        for row in rows { records.append(try HistorySchema.record(from: row, path: path)) }
        return records
    }

    /// Runs SQLite's `PRAGMA integrity_check` over the whole file; throws
    /// ``HistoryError/Kind/corrupt`` with SQLite's first complaint when it does not say `ok`.
    public func checkIntegrity() throws(HistoryError) {
        let lines: [String]
        do {
            lines = try queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
        } catch {
            throw HistoryStore.map(error, path: path, doing: "check")
        }
        guard lines == ["ok"] else {
            throw HistoryError(.corrupt, "\(path) is damaged: \(lines.first ?? "no answer from the integrity check")")
        }
    }

    private static func open(_ path: String, _ configuration: Configuration) throws(HistoryError) -> DatabaseQueue {
        do {
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw map(error, path: path, doing: "open")
        }
    }
}
