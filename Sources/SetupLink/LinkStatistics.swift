/// ATT traffic counted on a link: what the SPEC's round-trip and operation budgets are about.
public struct LinkStatistics: Hashable, Sendable, Codable {
    /// Write Requests answered (ATT round trips).
    public var roundTrips = 0
    /// Write Commands sent.
    public var writeCommands = 0
    /// Notifications delivered.
    public var notifications = 0
    /// Octets carried by all of the above.
    public var bytes = 0

    /// Creates empty counters.
    public init() {}

    /// ATT operations initiated: Write Requests, Write Commands and Notifications (SPEC §14).
    public var operations: Int { roundTrips + writeCommands + notifications }
}
