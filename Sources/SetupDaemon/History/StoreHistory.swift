import DBus
import Foundation
import SetupHistory

/// The daemon's history in `SetupHistory`'s SQLite store: one ``ProvisioningRecord`` per
/// finished job, read back for `GetHistory` in the shape `Protocol/dbus-api.md` gives.
public struct StoreHistory: DaemonHistory {
    /// The store.
    public let store: HistoryStore

    /// A history over `store`.
    public init(store: HistoryStore) { self.store = store }

    /// Appends the job's record (committed and synced before this returns).
    public func record(_ job: FinishedJob) async throws {
        _ = try store.append(Self.record(job))
    }

    /// The records matching `filter`, newest first, as `a{sv}` values.
    public func records(_ filter: HistoryQuery) async throws -> [[String: DBusValue]] {
        let matching = try store.records(matching: HistoryFilter(
            since: filter.since.map(Self.date), printer: filter.printer, outcome: filter.outcome?.rawValue, limit: filter.limit))
        return matching.map(Self.dictionary)
    }

    static func record(_ job: FinishedJob) -> ProvisioningRecord {
        let snapshot = job.snapshot
        let chosen = snapshot.chosen
        return ProvisioningRecord(
            kind: job.kind.rawValue, started: date(snapshot.started == 0 ? snapshot.created : snapshot.started), finished: date(snapshot.finished),
            printerShortId: chosen?.shortID, printerName: chosen?.name, printerAddress: chosen?.address,
            adapter: snapshot.adapter.isEmpty ? nil : snapshot.adapter, ssid: job.ssid, outcome: snapshot.state.rawValue,
            error: snapshot.error.isEmpty ? nil : snapshot.error, exitCode: snapshot.exitCode, message: snapshot.message,
            printerIPv4: snapshot.address.isEmpty ? nil : snapshot.address,
            phaseDurations: Dictionary(uniqueKeysWithValues: snapshot.phases.map { ($0.key.rawValue, $0.value) }))
    }

    static func dictionary(_ record: ProvisioningRecord) -> [String: DBusValue] {
        var values: [String: DBusValue] = [
            "Finished": .uint64(microseconds(record.finished)), "Kind": .string(record.kind), "Outcome": .string(record.outcome),
            "Duration": .double(record.finished.timeIntervalSince(record.started)),
            "Phases": .dictionary(key: .string, value: .double, entries: record.phaseDurations.sorted { $0.key < $1.key }.map {
                DBusDictionaryEntry(key: .string($0.key), value: .double($0.value))
            }),
        ]
        if let value = record.printerShortId { values["ShortId"] = .string(value) }
        if let value = record.printerName { values["Name"] = .string(value) }
        if let value = record.printerAddress { values["Address"] = .string(value) }
        if let value = record.ssid { values["SSID"] = .bytes(value) }
        if let value = record.error { values["Error"] = .string(value) }
        if let value = record.printerIPv4 { values["IPAddress"] = .string(value) }
        return values
    }

    static func date(_ microseconds: UInt64) -> Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }

    static func microseconds(_ date: Date) -> UInt64 { UInt64(max(0, date.timeIntervalSince1970 * 1_000_000).rounded()) }
}
