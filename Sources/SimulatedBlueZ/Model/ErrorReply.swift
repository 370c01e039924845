import DBus

/// The `org.bluez.Error.*` replies the simulated BlueZ sends, with the names and message texts
/// real bluetoothd 5.66 uses (src/error.c and the call sites in adapter.c, device.c,
/// gatt-client.c, gatt-database.c and advertising.c).
enum ErrorReply {
    static let prefix = "org.bluez.Error."

    static func invalidArguments() -> DBusError { error("InvalidArguments", "Invalid arguments in method call") }
    static func invalidArguments(_ message: String) -> DBusError { error("InvalidArguments", message) }
    static func busy() -> DBusError { error("InProgress", "Operation already in progress") }
    static func inProgress() -> DBusError { error("InProgress", "In Progress") }
    static func alreadyExists() -> DBusError { error("AlreadyExists", "Already Exists") }
    static func notSupported() -> DBusError { error("NotSupported", "Operation is not supported") }
    static func notConnected() -> DBusError { error("NotConnected", "Not Connected") }
    static func doesNotExist() -> DBusError { error("DoesNotExist", "Does Not Exist") }
    static func notAuthorized() -> DBusError { error("NotAuthorized", "Operation Not Authorized") }
    static func notReady() -> DBusError { error("NotReady", "Resource Not Ready") }
    static func notPermitted(_ message: String) -> DBusError { error("NotPermitted", message) }
    static func failed(_ message: String) -> DBusError { error("Failed", message) }

    /// What gatt-client.c replies when the peer answered with ATT error `code`.
    static func attError(_ code: UInt8) -> DBusError {
        switch code {
        case ATTErrorCode.readNotPermitted: notPermitted("Read not permitted")
        case ATTErrorCode.writeNotPermitted: notPermitted("Write not permitted")
        case ATTErrorCode.insufficientAuthentication, ATTErrorCode.insufficientEncryption: notPermitted("Not paired")
        case ATTErrorCode.invalidOffset: invalidArguments("Invalid offset")
        case ATTErrorCode.invalidAttributeValueLength: invalidArguments("Invalid Length")
        case ATTErrorCode.insufficientAuthorization: notAuthorized()
        case ATTErrorCode.requestNotSupported: notSupported()
        default: failed("Operation failed with ATT error: 0x" + hex(code))
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    private static func error(_ suffix: String, _ message: String) -> DBusError {
        DBusError(errorName: prefix + suffix, message: message)
    }
}

/// ATT error codes (Core Spec Vol 3 Part F 3.4.1.1) the relay produces or maps.
enum ATTErrorCode {
    static let readNotPermitted: UInt8 = 0x02
    static let writeNotPermitted: UInt8 = 0x03
    static let insufficientAuthentication: UInt8 = 0x05
    static let requestNotSupported: UInt8 = 0x06
    static let invalidOffset: UInt8 = 0x07
    static let insufficientAuthorization: UInt8 = 0x08
    static let invalidAttributeValueLength: UInt8 = 0x0D
    static let unlikelyError: UInt8 = 0x0E
    static let insufficientEncryption: UInt8 = 0x0F
    static let applicationError: UInt8 = 0x80

    /// The ATT error gatt-database.c answers with when the application's method failed with the
    /// D-Bus error `name` (its `dbus_error_to_att_ecode`), for a read or a write.
    static func fromApplicationError(_ name: String, isWrite: Bool) -> UInt8 {
        switch name {
        case ErrorReply.prefix + "Failed": applicationError
        case ErrorReply.prefix + "NotPermitted": isWrite ? writeNotPermitted : readNotPermitted
        case ErrorReply.prefix + "NotAuthorized": insufficientAuthorization
        case ErrorReply.prefix + "InvalidValueLength": invalidAttributeValueLength
        case ErrorReply.prefix + "InvalidOffset": invalidOffset
        case ErrorReply.prefix + "NotSupported": requestNotSupported
        default: unlikelyError
        }
    }
}
