#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A Unix file descriptor carried in a D-Bus message (`h`). Owns the descriptor and closes it
/// when the last reference goes away.
public final class DBusUnixFD: Sendable, Hashable {
    /// The owned descriptor.
    public let rawValue: Int32

    /// Takes ownership of `rawValue`.
    public init(takingOwnershipOf rawValue: Int32) {
        self.rawValue = rawValue
    }

    deinit {
        close(rawValue)
    }

    public static func == (lhs: DBusUnixFD, rhs: DBusUnixFD) -> Bool {
        lhs === rhs
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self))
    }
}
