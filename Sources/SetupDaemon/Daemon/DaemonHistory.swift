import DBus

/// Where the daemon records finished jobs and reads them back for `GetHistory`. The daemon
/// works without one (then `GetHistory` fails with `io.smartsetup1.Error.Failed`).
public protocol DaemonHistory: Sendable {
    /// Records a finished job (never a secret: ``FinishedJob`` holds none).
    func record(_ job: FinishedJob) async throws
    /// The records matching `filter` (already checked), newest first, as `GetHistory` returns them.
    func records(_ filter: HistoryQuery) async throws -> [[String: DBusValue]]
}

/// A finished job as the history keeps it.
public struct FinishedJob: Sendable {
    /// The job's kind.
    public var kind: JobKind
    /// Its final properties.
    public var snapshot: Job.Snapshot
    /// The SSID (pair).
    public var ssid: [UInt8]?
}

/// A checked `GetHistory` filter.
public struct HistoryQuery: Sendable, Equatable {
    /// Only this printer (short id or address).
    public var printer: String?
    /// Only this outcome.
    public var outcome: JobState?
    /// Only records finished at or after this time (microseconds since the epoch).
    public var since: UInt64?
    /// At most this many.
    public var limit: Int = 100

    /// Parses a filter `a{sv}`.
    public init(_ filter: [String: DBusValue]) throws(RequestError) {
        for key in filter.keys.sorted() where !["Printer", "Outcome", "Since", "Limit"].contains(key) {
            throw RequestError(key, "unknown key (GetHistory takes Printer, Outcome, Since, Limit)")
        }
        let values = RequestParser.Values(filter)
        printer = try values.string("Printer")
        if let text = try values.string("Outcome") {
            guard let state = JobState(rawValue: text), state.isFinal else { throw RequestError("Outcome", "must be succeeded, failed or cancelled") }
            outcome = state
        }
        if let value = values.rawValue("Since") {
            guard case .uint64(let time) = value else { throw RequestError("Since", "must be a time (t), microseconds since the epoch") }
            since = time
        }
        if let value = values.rawValue("Limit") {
            guard case .uint32(let count) = value, (1...1000).contains(count) else { throw RequestError("Limit", "must be 1 to 1000 (u)") }
            limit = Int(count)
        }
    }
}
