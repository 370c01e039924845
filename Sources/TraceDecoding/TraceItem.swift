/// Which way a message travelled.
public enum TraceDirection: String, Sendable, Equatable {
    /// Written by the central on Request.
    case toPrinter
    /// Notified by the printer on Events (or read from Info).
    case toCentral
}

/// One named value of a decoded item, in the order the item shows it.
public struct TraceField: Sendable, Equatable {
    /// The field's name (e.g. `session id`).
    public var name: String
    /// Its value for a person (hex, a number, a code name, `<n octets>` for a hidden secret).
    public var value: String

    /// A field.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One thing the decoder found in a capture: a record, an opened application message, the Info
/// value, an advertisement, or a framing problem.
public struct TraceItem: Sendable, Equatable {
    /// The capture record (1-based) that completed it.
    public var record: Int
    /// Microseconds since btsnoop's epoch.
    public var timestamp: UInt64
    /// The controller (hciN) whose view of the traffic this is.
    public var controller: UInt16
    /// The LE connection handle; nil for advertising.
    public var connection: UInt16?
    /// Nil for advertising.
    public var direction: TraceDirection?
    /// What it is: `ClientHello`, `ServerHello`, `ClientFinish`, `Error`, `Sealed`, an
    /// application message's name (`SetCredentials`, `JoinStatus`, …), `Info`, `Advertisement`,
    /// `AdvertisingData` (what a printer set), or `FramingError`.
    public var name: String
    /// Its fields.
    public var fields: [TraceField]
    /// For a message inside a sealed record or ClientFinish: the sealed counter.
    public var sealedCounter: UInt64?

    /// The value of the field named `name`, if present.
    public func field(_ name: String) -> String? { fields.first { $0.name == name }?.value }
}
