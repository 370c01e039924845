import BlueZ
import SetupProtocol

/// Why the in-process lab (simulated BlueZ plus emulated printers) could not start. Each case
/// keeps the lower layer's error that caused it, for logs; ``message`` is written for a person.
public enum LabError: Error, CustomStringConvertible {
    /// The simulated BlueZ or its bus could not be started or reached (no dbus-daemon, a bus
    /// address that does not answer, the name `org.bluez` taken).
    case simulatorUnavailable(String, cause: (any Error)?)
    /// Printer `printer` (1-based) has an invalid configuration (model, serial or firmware).
    case invalidPrinterConfiguration(printer: Int, cause: ProtocolError)
    /// Printer `printer` could not be put on its adapter (application or advertisement refused).
    case printerNotStarted(printer: Int, adapter: String, cause: BlueZError)

    /// What went wrong, for a person.
    public var message: String {
        switch self {
        case .simulatorUnavailable(let reason, _): return reason
        case .invalidPrinterConfiguration(let printer, let cause): return "printer \(printer) has an invalid configuration: \(cause.message)"
        case .printerNotStarted(let printer, let adapter, let cause): return "cannot put printer \(printer) on \(adapter): \(cause.message)"
        }
    }

    /// The lower layer's error, for logs.
    public var cause: (any Error)? {
        switch self {
        case .simulatorUnavailable(_, let cause): return cause
        case .invalidPrinterConfiguration(_, let cause): return cause
        case .printerNotStarted(_, _, let cause): return cause
        }
    }

    /// The message.
    public var description: String { message }
}
