/// ATT traffic the simulator relayed: operations, round trips and bytes (ATT PDU bytes,
/// opcode and handles included).
public struct ATTCounters: Sendable, Hashable, CustomStringConvertible {
    /// Every ATT operation: a request with its response counts once, a command or a
    /// notification counts once.
    public var operations: UInt64 = 0
    /// Request/response pairs (reads, write requests, prepare/execute writes, indications).
    public var roundTrips: UInt64 = 0
    /// Operations without a response (write commands, notifications).
    public var withoutResponse: UInt64 = 0
    /// PDU bytes sent by the central.
    public var bytesFromCentral: UInt64 = 0
    /// PDU bytes sent by the peripheral.
    public var bytesFromPeripheral: UInt64 = 0

    /// Zero counters.
    public init() {}

    /// All bytes in both directions.
    public var bytes: UInt64 { bytesFromCentral + bytesFromPeripheral }

    /// One request/response pair of `request` and `response` PDU bytes.
    static func roundTrip(request: Int, response: Int) -> ATTCounters {
        var counters = ATTCounters()
        counters.operations = 1
        counters.roundTrips = 1
        counters.bytesFromCentral = UInt64(request)
        counters.bytesFromPeripheral = UInt64(response)
        return counters
    }

    /// One PDU without response, `bytes` long, sent by the central (write command) or the
    /// peripheral (notification).
    static func unacknowledged(bytes: Int, fromCentral: Bool) -> ATTCounters {
        var counters = ATTCounters()
        counters.operations = 1
        counters.withoutResponse = 1
        if fromCentral { counters.bytesFromCentral = UInt64(bytes) } else { counters.bytesFromPeripheral = UInt64(bytes) }
        return counters
    }

    mutating func add(_ other: ATTCounters) {
        operations += other.operations
        roundTrips += other.roundTrips
        withoutResponse += other.withoutResponse
        bytesFromCentral += other.bytesFromCentral
        bytesFromPeripheral += other.bytesFromPeripheral
    }

    public var description: String {
        "\(operations) ATT operations (\(roundTrips) round trips, \(withoutResponse) without response), \(bytes) bytes"
    }
}
