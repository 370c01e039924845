/// A validated D-Bus object path such as `/org/bluez/hci0`.
public struct DBusObjectPath: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The path text.
    public let rawValue: String

    /// The root path `/`.
    public static let root = DBusObjectPath(unchecked: "/")

    /// Validates `rawValue` against the D-Bus object path grammar.
    public init(_ rawValue: String) throws(DBusError) {
        guard Self.isValid(rawValue) else {
            throw DBusError(.invalidObjectPath, message: "invalid object path '\(rawValue)'")
        }
        self.rawValue = rawValue
    }

    init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static func < (lhs: DBusObjectPath, rhs: DBusObjectPath) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// `/` or `/` followed by non-empty elements of `[A-Za-z0-9_]` separated by single slashes.
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "/") else { return false }
        if bytes.count == 1 { return true }
        guard bytes.last != UInt8(ascii: "/") else { return false }
        var previousWasSlash = false
        for byte in bytes {
            if byte == UInt8(ascii: "/") {
                if previousWasSlash { return false }
                previousWasSlash = true
            } else {
                let ok = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
                    || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_")
                guard ok else { return false }
                previousWasSlash = false
            }
        }
        return true
    }

    /// True when `self` equals `ancestor` or lies below it.
    public func isDescendant(of ancestor: DBusObjectPath) -> Bool {
        if ancestor.rawValue == "/" || ancestor == self { return true }
        return rawValue.hasPrefix(ancestor.rawValue + "/")
    }
}
