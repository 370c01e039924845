extension DBusMessage {
    /// The path reserved for libdbus's local messages; never sent.
    static let localPath = "/org/freedesktop/DBus/Local"
    /// The interface reserved for libdbus's local messages; never sent.
    static let localInterface = "org.freedesktop.DBus.Local"

    /// Checks that this message can be sent: the header fields its kind requires are present,
    /// every name is valid, nothing uses the reserved local path or interface, and the body
    /// validates (see ``DBusValue/validate()``) with a signature of at most 255 bytes.
    ///
    /// libdbus aborts the process on invalid names or bodies, and a bus disconnects a client that
    /// sends a malformed message, so the connection runs this before every send.
    public func validate() throws(DBusError) {
        switch kind {
        case .methodCall:
            guard path != nil, member != nil else { throw .malformed("a method call needs a path and a member") }
        case .signal:
            guard path != nil, interface != nil, member != nil else {
                throw .malformed("a signal needs a path, an interface and a member")
            }
        case .methodReturn:
            guard replySerial != nil else { throw .malformed("a method return needs a reply serial") }
        case .error:
            guard errorName != nil, replySerial != nil else {
                throw .malformed("an error needs an error name and a reply serial")
            }
        }
        if replySerial == 0 { throw .malformed("reply serial 0") }
        if path?.rawValue == Self.localPath { throw .malformed("the local path is reserved") }
        if let interface {
            try DBusNames.validateInterfaceName(interface)
            if interface == Self.localInterface { throw .malformed("the local interface is reserved") }
        }
        if let member { try DBusNames.validateMemberName(member) }
        if let errorName { try DBusNames.validateErrorName(errorName) }
        if let destination { try DBusNames.validateBusName(destination) }
        if let sender { try DBusNames.validateBusName(sender) }
        var signatureLength = 0
        for value in body {
            try value.validate()
            signatureLength += value.type.signature.utf8.count
        }
        guard signatureLength <= DBusSignature.maximumLength else {
            throw .invalidSignature("body signature longer than \(DBusSignature.maximumLength) bytes")
        }
    }
}

extension DBusError {
    @inline(never)
    static func malformed(_ detail: String) -> DBusError {
        DBusError(.malformedMessage, message: detail)
    }
}
