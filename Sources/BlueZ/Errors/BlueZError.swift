import DBus

/// The one error type of the BlueZ layer: a switchable ``kind``, the D-Bus error name it came
/// from or maps to, and a message for logs (never a secret).
///
/// Errors BlueZ replies with (`org.bluez.Error.*`) map to one kind each; ATT errors that BlueZ
/// reports inside `org.bluez.Error.Failed` messages (e.g. "Operation failed with ATT error: 0x0e")
/// carry their code in ``attErrorCode``. Local kinds cover what this library observes itself.
public struct BlueZError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for code to switch on.
    public enum Kind: Sendable, Hashable {
        // org.bluez.Error.*
        case failed
        case inProgress
        case notReady
        case notSupported
        case notPermitted
        case invalidArguments
        case invalidValueLength
        case invalidOffset
        case notAuthorized
        case notConnected
        case doesNotExist
        case alreadyExists
        case alreadyConnected
        case notAvailable
        case authenticationFailed
        case authenticationCanceled
        case authenticationRejected
        case authenticationTimeout
        case connectionAttemptFailed
        case rejected
        case canceled
        /// An ATT error response (see ``BlueZError/attErrorCode``).
        case att
        // Local kinds.
        /// A wait passed its deadline.
        case timedOut
        /// The device object vanished (removed by BlueZ or by RemoveDevice) during a wait.
        case deviceRemoved
        /// The device disconnected (Connected became false) during a wait.
        case disconnected
        /// No GATT service with the requested UUID.
        case serviceNotFound
        /// No GATT characteristic with the requested UUID.
        case characteristicNotFound
        /// bluetoothd left the bus (or restarted); cached objects were dropped.
        case bluetoothdRestarted
        /// No adapter (or no adapter with the requested name).
        case noAdapter
        /// The adapter is powered off.
        case adapterPoweredOff
        /// The object is not (or no longer) known to BlueZ.
        case unknownObject
        /// The awaiting task was cancelled.
        case cancelled
        /// The D-Bus connection failed or closed, or BlueZ is not on the bus.
        case dbus
        /// A reply or property did not have the shape BlueZ documents.
        case unexpectedReply
    }

    /// What went wrong.
    public var kind: Kind
    /// The D-Bus error name (e.g. `org.bluez.Error.Failed`); for local kinds, the name a
    /// peripheral handler's reply would carry.
    public var name: String
    /// A human-readable explanation from BlueZ or from this library.
    public var message: String
    /// The ATT error code when BlueZ reported one (kind ``Kind/att``).
    public var attErrorCode: UInt8?

    /// An error of `kind` with its standard name.
    public init(_ kind: Kind, message: String, attErrorCode: UInt8? = nil) {
        self.kind = kind
        self.name = Self.wireName(for: kind)
        self.message = message
        self.attErrorCode = attErrorCode
    }

    /// The error carried by a D-Bus error: `org.bluez.Error.*` names map to their kind, ATT
    /// error codes in the message are extracted, D-Bus transport errors keep their meaning.
    public init(_ error: DBusError) {
        self.name = error.name
        self.message = error.message
        self.attErrorCode = nil
        if let code = Self.attCode(in: error.message) {
            self.kind = .att
            self.attErrorCode = code
        } else if let kind = Self.bluezKinds[error.name] {
            self.kind = kind
        } else {
            switch error.kind {
            case .timedOut: self.kind = .timedOut
            case .cancelled: self.kind = .cancelled
            case .unknownObject, .unknownMethod, .unknownInterface: self.kind = .unknownObject
            case .invalidArguments, .typeMismatch, .invalidSignature: self.kind = .invalidArguments
            case .accessDenied: self.kind = .notPermitted
            default: self.kind = .dbus
            }
        }
    }

    public var description: String {
        if let attErrorCode {
            return "\(name): \(message) (ATT error 0x\(String(attErrorCode, radix: 16)))"
        }
        return "\(name): \(message)"
    }

    /// True for `org.bluez.Error.Failed` "le-connection-abort-by-local", which BlueZ reports
    /// when the controller aborted an LE connection attempt; worth retrying.
    public var isLEConnectionAbortByLocal: Bool {
        kind == .failed && message.contains("le-connection-abort-by-local")
    }

    /// An ATT error for a peripheral handler to throw: BlueZ answers the remote with ATT error
    /// `code` (application errors are 0x80-0x9f), carried as `org.bluez.Error.Failed` "0xNN".
    public static func att(_ code: UInt8) -> BlueZError {
        let hex = String(code, radix: 16)
        var error = BlueZError(.att, message: "0x" + (hex.count == 1 ? "0" + hex : hex), attErrorCode: code)
        error.name = prefix + "Failed"
        return error
    }

    /// This error as the D-Bus error a peripheral handler replies with.
    public var dbusError: DBusError {
        DBusError(errorName: name, message: message)
    }

    // MARK: Mapping

    static let prefix = "org.bluez.Error."

    static let bluezKinds: [String: Kind] = {
        let pairs: [(String, Kind)] = [
            ("Failed", .failed), ("InProgress", .inProgress), ("NotReady", .notReady),
            ("NotSupported", .notSupported), ("NotPermitted", .notPermitted),
            ("InvalidArguments", .invalidArguments), ("InvalidValueLength", .invalidValueLength),
            ("InvalidOffset", .invalidOffset), ("NotAuthorized", .notAuthorized),
            ("NotConnected", .notConnected), ("DoesNotExist", .doesNotExist),
            ("AlreadyExists", .alreadyExists), ("AlreadyConnected", .alreadyConnected),
            ("NotAvailable", .notAvailable), ("AuthenticationFailed", .authenticationFailed),
            ("AuthenticationCanceled", .authenticationCanceled),
            ("AuthenticationRejected", .authenticationRejected),
            ("AuthenticationTimeout", .authenticationTimeout),
            ("ConnectionAttemptFailed", .connectionAttemptFailed), ("Rejected", .rejected),
            ("Canceled", .canceled),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.map { (prefix + $0.0, $0.1) })
    }()

    static func wireName(for kind: Kind) -> String {
        if let name = bluezKinds.first(where: { $0.value == kind })?.key { return name }
        switch kind {
        case .notPermitted: return prefix + "NotPermitted"
        case .unknownObject: return "org.freedesktop.DBus.Error.UnknownObject"
        case .timedOut: return "org.freedesktop.DBus.Error.Timeout"
        case .cancelled: return "org.freedesktop.DBus.Error.Cancelled"
        default: return prefix + "Failed"
        }
    }

    /// The ATT error code in a BlueZ message such as "Operation failed with ATT error: 0x0e"
    /// or "ATT error: 0x80".
    static func attCode(in message: String) -> UInt8? {
        guard let range = message.firstRange(of: "ATT error: 0x") else { return nil }
        let digits = message[range.upperBound...].prefix { $0.isHexDigit }
        guard !digits.isEmpty, digits.count <= 2 else { return nil }
        return UInt8(digits, radix: 16)
    }
}
