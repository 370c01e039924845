/// Flags of `RequestName` (`org.freedesktop.DBus.RequestName`).
public struct DBusRequestNameFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Let another connection that asks with ``replaceExisting`` take the name from us.
    public static let allowReplacement = DBusRequestNameFlags(rawValue: 1)
    /// Take the name from its owner if that owner allowed replacement.
    public static let replaceExisting = DBusRequestNameFlags(rawValue: 2)
    /// Fail instead of waiting in the queue when the name is taken.
    public static let doNotQueue = DBusRequestNameFlags(rawValue: 4)
}

/// What `RequestName` achieved.
public enum DBusRequestNameResult: Sendable, Hashable {
    /// We own the name now.
    case primaryOwner
    /// Someone else owns it; we are queued and get it when they release it.
    case inQueue
    /// Someone else owns it and we did not queue (``DBusRequestNameFlags/doNotQueue``).
    case exists
    /// We owned it already.
    case alreadyOwner

    init(code: UInt32) throws(DBusError) {
        switch code {
        case 1: self = .primaryOwner
        case 2: self = .inQueue
        case 3: self = .exists
        case 4: self = .alreadyOwner
        default: throw DBusError(.malformedMessage, message: "unknown RequestName result \(code)")
        }
    }
}

/// What `ReleaseName` achieved.
public enum DBusReleaseNameResult: Sendable, Hashable {
    /// We owned or were queued for the name and gave it up.
    case released
    /// Nobody owns the name.
    case nonExistent
    /// Someone else owns it and we were not queued.
    case notOwner

    init(code: UInt32) throws(DBusError) {
        switch code {
        case 1: self = .released
        case 2: self = .nonExistent
        case 3: self = .notOwner
        default: throw DBusError(.malformedMessage, message: "unknown ReleaseName result \(code)")
        }
    }
}

/// One change of a bus name's owner, from `NameOwnerChanged`.
public struct DBusNameOwnerChange: Sendable, Hashable {
    public var name: String
    /// The previous owner's unique name; nil if the name had none.
    public var oldOwner: String?
    /// The new owner's unique name; nil if the name has none now.
    public var newOwner: String?

    public init(name: String, oldOwner: String?, newOwner: String?) {
        self.name = name
        self.oldOwner = oldOwner
        self.newOwner = newOwner
    }
}
