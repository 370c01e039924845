/// Why the in-process lab (simulated BlueZ plus emulated printers) could not start.
///
/// Code switches on ``kind``; ``message`` is written for a person; ``cause`` keeps the lower
/// layer's error for logs.
public struct LabError: Error, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Hashable, Sendable {
        /// The simulated BlueZ or its bus could not be started or reached (no dbus-daemon, a bus
        /// address that does not answer, the name `org.bluez` taken).
        case simulatorUnavailable
        /// A printer's configuration is invalid (model, serial or firmware out of range).
        case invalidPrinterConfiguration
        /// A printer could not be put on its adapter (GATT application or advertisement refused).
        case printerNotStarted
    }

    /// What went wrong.
    public let kind: Kind
    /// A secret-free explanation for people.
    public let message: String
    /// The lower layer's error, for logs.
    public let cause: (any Error)?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, cause: (any Error)? = nil) {
        self.kind = kind
        self.message = message
        self.cause = cause
    }

    /// The message.
    public var description: String { message }
}
