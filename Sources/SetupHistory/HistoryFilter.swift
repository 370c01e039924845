import Foundation

/// Which records ``HistoryStore/records(matching:)`` returns; every condition left nil matches
/// all. Records come newest first (by start time).
public struct HistoryFilter: Sendable, Equatable {
    /// Only records of jobs started at or after this time.
    public var since: Date?
    /// Only records of jobs started before this time.
    public var until: Date?
    /// Only records of this printer: its short id or address (either case) or its exact name.
    public var printer: String?
    /// Only records with this outcome (`succeeded`, `failed`, `cancelled`).
    public var outcome: String?
    /// At most this many records (the newest); nil for all. Values below 1 return none.
    public var limit: Int?

    /// A filter; by default it matches every record.
    public init(since: Date? = nil, until: Date? = nil, printer: String? = nil, outcome: String? = nil, limit: Int? = nil) {
        self.since = since
        self.until = until
        self.printer = printer
        self.outcome = outcome
        self.limit = limit
    }
}
