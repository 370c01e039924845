import Foundation

/// One finished job: what was asked of which printer, how it ended, and how long each phase took.
///
/// A record never holds a PIN, a passphrase or a key: there is no field for one. The SSID is kept
/// as the octets the network uses (1-32, not necessarily UTF-8).
public struct ProvisioningRecord: Sendable, Equatable, Codable {
    /// The store's number for the record: nil until appended; ``HistoryStore/append(_:)`` returns
    /// it and ``HistoryStore/records(matching:)`` fills it in. Ignored by `append`.
    public var id: Int64?
    /// What the job did: `pair`, `wifi-scan`, `identify` or `reset`.
    public var kind: String
    /// When the job started. Times are stored as seconds since 1970 in a double: they come back
    /// to within a microsecond (exactly for a `Date` made from whole milliseconds since 1970).
    public var started: Date
    /// When the job finished.
    public var finished: Date
    /// The printer's short id (e.g. `3F0A`), when it was found.
    public var printerShortId: String?
    /// The printer's advertised name, when it was found.
    public var printerName: String?
    /// The printer's Bluetooth address, when it was found.
    public var printerAddress: String?
    /// The kiosk's adapter (e.g. `hci0`).
    public var adapter: String?
    /// The network's SSID as octets (pair jobs only).
    public var ssid: [UInt8]?
    /// How the job ended: `succeeded`, `failed` or `cancelled`.
    public var outcome: String
    /// The failure's name from the exit-code table (e.g. `wrong-pin`); nil on success.
    public var error: String?
    /// The exit code the CLI gives for this outcome (0 on success).
    public var exitCode: Int32
    /// A message for a person (secret-free).
    public var message: String?
    /// The printer's IPv4 address on the network, after a successful pairing.
    public var printerIPv4: String?
    /// Seconds spent in each phase that was reached: `scan`, `connect`, `services`, `handshake`,
    /// `credentials`, `join`.
    public var phaseDurations: [String: Double]

    /// A record; every optional field defaults to nil, the phases to none.
    public init(
        id: Int64? = nil, kind: String, started: Date, finished: Date,
        printerShortId: String? = nil, printerName: String? = nil, printerAddress: String? = nil, adapter: String? = nil,
        ssid: [UInt8]? = nil, outcome: String, error: String? = nil, exitCode: Int32, message: String? = nil,
        printerIPv4: String? = nil, phaseDurations: [String: Double] = [:]
    ) {
        self.id = id
        self.kind = kind
        self.started = started
        self.finished = finished
        self.printerShortId = printerShortId
        self.printerName = printerName
        self.printerAddress = printerAddress
        self.adapter = adapter
        self.ssid = ssid
        self.outcome = outcome
        self.error = error
        self.exitCode = exitCode
        self.message = message
        self.printerIPv4 = printerIPv4
        self.phaseDurations = phaseDurations
    }
}
