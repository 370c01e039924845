/// Validation of the D-Bus name grammars: bus names, interface names, member names and error names.
///
/// libdbus treats an invalid name as a fatal programming error and aborts the process, so every
/// name is checked here before it reaches libdbus.
public enum DBusNames {
    /// The longest name of any kind, in bytes.
    public static let maximumLength = 255

    /// A unique (`:1.42`) or well-known (`org.bluez`) bus name.
    public static func isValidBusName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumLength else { return false }
        let unique = bytes[0] == UInt8(ascii: ":")
        return elementsAreValid(unique ? bytes[1...] : bytes[...], allowHyphen: true, allowLeadingDigit: unique)
    }

    /// An interface name such as `org.freedesktop.DBus.Properties`.
    public static func isValidInterfaceName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count <= maximumLength else { return false }
        return elementsAreValid(bytes[...], allowHyphen: false, allowLeadingDigit: false)
    }

    /// An error name; same grammar as interface names.
    public static func isValidErrorName(_ name: String) -> Bool {
        isValidInterfaceName(name)
    }

    /// A member (method or signal) name such as `GetManagedObjects`.
    public static func isValidMemberName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumLength, !isDigit(bytes[0]) else { return false }
        return bytes.allSatisfy { isWordByte($0) }
    }

    /// Throws `.invalidArguments` unless `name` is a valid bus name.
    public static func validateBusName(_ name: String) throws(DBusError) {
        guard isValidBusName(name) else { throw invalid("bus name", name) }
    }

    /// Throws `.invalidArguments` unless `name` is a valid interface name.
    public static func validateInterfaceName(_ name: String) throws(DBusError) {
        guard isValidInterfaceName(name) else { throw invalid("interface name", name) }
    }

    /// Throws `.invalidArguments` unless `name` is a valid member name.
    public static func validateMemberName(_ name: String) throws(DBusError) {
        guard isValidMemberName(name) else { throw invalid("member name", name) }
    }

    /// Throws `.invalidArguments` unless `name` is a valid error name.
    public static func validateErrorName(_ name: String) throws(DBusError) {
        guard isValidErrorName(name) else { throw invalid("error name", name) }
    }

    @inline(never)
    private static func invalid(_ what: String, _ name: String) -> DBusError {
        DBusError(.invalidArguments, message: "invalid \(what) '\(name.debugDescription.dropFirst().dropLast())'")
    }

    /// Two or more non-empty dot-separated elements of `[A-Za-z0-9_]` (plus `-` for bus names).
    private static func elementsAreValid(
        _ bytes: ArraySlice<UInt8>, allowHyphen: Bool, allowLeadingDigit: Bool
    ) -> Bool {
        var elements = 0
        var elementLength = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard elementLength > 0 else { return false }
                elements += 1
                elementLength = 0
                continue
            }
            let ok = isWordByte(byte) || (allowHyphen && byte == UInt8(ascii: "-"))
            guard ok else { return false }
            if elementLength == 0, !allowLeadingDigit, isDigit(byte) { return false }
            elementLength += 1
        }
        guard elementLength > 0 else { return false }
        return elements + 1 >= 2
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
    }
}
