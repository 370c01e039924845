import CDBus

/// A retained libdbus message pointer that may cross threads (libdbus message reference counts
/// are atomic, and a message is only touched by one thread at a time here).
struct LibDBusMessage: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Builds a libdbus message from `message`, validating it first (``DBusMessage/validate()``).
    /// A nonzero `serial` overrides `message.serial`.
    init(_ message: DBusMessage, serial: UInt32 = 0) throws(DBusError) {
        try message.validate()
        guard let pointer = Self.create(message) else { throw .outOfMemory }
        do {
            try Self.fill(pointer, from: message, serial: serial)
        } catch {
            dbus_message_unref(pointer)
            throw error
        }
        self.pointer = pointer
    }

    /// Wraps a message the caller holds a reference to; this value takes over that reference.
    init(adopting pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// Drops this value's reference.
    func release() {
        dbus_message_unref(pointer)
    }

    /// The header field values, without decoding the body.
    var replySerial: UInt32 { dbus_message_get_reply_serial(pointer) }
    var libdbusType: Int32 { dbus_message_get_type(pointer) }

    /// True for the `Disconnected` signal libdbus queues locally when the connection drops.
    var isLocalDisconnect: Bool {
        dbus_message_is_signal(pointer, DBusMessage.localInterface, "Disconnected") != 0
            && dbus_message_has_path(pointer, DBusMessage.localPath) != 0
    }

    /// Decodes header and body into a ``DBusMessage``.
    func decode() throws(DBusError) -> DBusMessage {
        let kind: DBusMessage.Kind
        switch dbus_message_get_type(pointer) {
        case DBUS_MESSAGE_TYPE_METHOD_CALL: kind = .methodCall
        case DBUS_MESSAGE_TYPE_METHOD_RETURN: kind = .methodReturn
        case DBUS_MESSAGE_TYPE_ERROR: kind = .error
        case DBUS_MESSAGE_TYPE_SIGNAL: kind = .signal
        default: throw .malformed("unknown message type \(dbus_message_get_type(pointer))")
        }
        let replySerial = dbus_message_get_reply_serial(pointer)
        var message = DBusMessage(
            kind: kind,
            path: dbus_message_get_path(pointer).map { DBusObjectPath(unchecked: String(cString: $0)) },
            interface: dbus_message_get_interface(pointer).map { String(cString: $0) },
            member: dbus_message_get_member(pointer).map { String(cString: $0) },
            errorName: dbus_message_get_error_name(pointer).map { String(cString: $0) },
            destination: dbus_message_get_destination(pointer).map { String(cString: $0) },
            sender: dbus_message_get_sender(pointer).map { String(cString: $0) },
            serial: dbus_message_get_serial(pointer),
            replySerial: replySerial == 0 ? nil : replySerial,
            noReplyExpected: dbus_message_get_no_reply(pointer) != 0)
        var iter = DBusMessageIter()
        if dbus_message_iter_init(pointer, &iter) != 0 {
            message.body = try ValueReader.readAll(&iter)
        }
        return message
    }

    /// A new message of `message`'s kind. Method calls and signals get their header fields
    /// (destination, path, interface, member) in one go: libdbus re-marshals the header on each
    /// `dbus_message_set_*`, which made building a call cost four rewrites.
    private static func create(_ message: DBusMessage) -> OpaquePointer? {
        switch message.kind {
        case .methodCall:
            guard let path = message.path, let member = message.member else { break }
            return withOptionalCString(message.destination) { destination in
                path.rawValue.withCString { path in
                    withOptionalCString(message.interface) { interface in
                        member.withCString { member in
                            dbus_message_new_method_call(destination, path, interface, member)
                        }
                    }
                }
            }
        case .signal:
            guard let path = message.path, let interface = message.interface, let member = message.member else { break }
            return path.rawValue.withCString { path in
                interface.withCString { interface in
                    member.withCString { member in dbus_message_new_signal(path, interface, member) }
                }
            }
        case .methodReturn, .error:
            break
        }
        return dbus_message_new(message.kind.libdbusType)
    }

    private static func withOptionalCString<R>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
        guard let text else { return body(nil) }
        return text.withCString { body($0) }
    }

    private static func fill(_ pointer: OpaquePointer, from message: DBusMessage, serial: UInt32) throws(DBusError) {
        let serial = serial != 0 ? serial : message.serial
        if serial != 0 { dbus_message_set_serial(pointer, serial) }
        var ok = true
        let headerDone = message.kind == .methodCall || message.kind == .signal
        if !headerDone {
            if let path = message.path { ok = ok && path.rawValue.withCString { dbus_message_set_path(pointer, $0) } != 0 }
            if let interface = message.interface {
                ok = ok && interface.withCString { dbus_message_set_interface(pointer, $0) } != 0
            }
            if let member = message.member { ok = ok && member.withCString { dbus_message_set_member(pointer, $0) } != 0 }
        }
        if let name = message.errorName { ok = ok && name.withCString { dbus_message_set_error_name(pointer, $0) } != 0 }
        if let destination = message.destination, message.kind != .methodCall {
            ok = ok && destination.withCString { dbus_message_set_destination(pointer, $0) } != 0
        }
        if let sender = message.sender { ok = ok && sender.withCString { dbus_message_set_sender(pointer, $0) } != 0 }
        if let replySerial = message.replySerial { ok = ok && dbus_message_set_reply_serial(pointer, replySerial) != 0 }
        guard ok else { throw .outOfMemory }
        dbus_message_set_no_reply(pointer, message.noReplyExpected ? 1 : 0)
        guard !message.body.isEmpty else { return }
        var iter = DBusMessageIter()
        dbus_message_iter_init_append(pointer, &iter)
        for value in message.body {
            try ValueWriter.append(value, to: &iter)
        }
    }
}

extension DBusMessage.Kind {
    var libdbusType: Int32 {
        switch self {
        case .methodCall: DBUS_MESSAGE_TYPE_METHOD_CALL
        case .methodReturn: DBUS_MESSAGE_TYPE_METHOD_RETURN
        case .error: DBUS_MESSAGE_TYPE_ERROR
        case .signal: DBUS_MESSAGE_TYPE_SIGNAL
        }
    }
}
