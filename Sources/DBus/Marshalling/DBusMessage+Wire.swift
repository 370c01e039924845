import CDBus

extension DBusMessage {
    /// The message in D-Bus wire format (header and body), as libdbus marshals it.
    ///
    /// The wire format forbids serial 0, so a message whose ``serial`` is 0 is marshalled with
    /// serial 1. Messages carrying Unix fds cannot be marshalled: the descriptors travel beside
    /// the bytes, not in them (`.invalidArguments`).
    public func marshaled() throws(DBusError) -> [UInt8] {
        if body.contains(where: \.containsUnixFD) {
            throw DBusError(.invalidArguments, message: "a message with Unix fds cannot be marshalled to bytes")
        }
        let message = try LibDBusMessage(self, serial: serial == 0 ? 1 : 0)
        defer { message.release() }
        var buffer: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        guard dbus_message_marshal(message.pointer, &buffer, &length) != 0, let buffer else { throw .outOfMemory }
        defer { dbus_free(buffer) }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
            Array(UnsafeBufferPointer(start: $0, count: Int(length)))
        }
    }

    /// Parses one message in D-Bus wire format. Malformed, truncated or oversized input throws
    /// `.malformedMessage`; it never reaches a libdbus assertion.
    public init(marshaled bytes: [UInt8]) throws(DBusError) {
        guard bytes.count >= 16 else { throw .malformed("\(bytes.count) bytes are too few for a message header") }
        guard bytes.count <= Int(Int32.max) else { throw .malformed("message too large") }
        let needed = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                dbus_message_demarshal_bytes_needed($0.baseAddress, Int32(buffer.count))
            }
        }
        guard needed == Int32(bytes.count) else {
            throw .malformed("the bytes do not hold exactly one message (header announces \(needed) bytes, got \(bytes.count))")
        }
        var error = CDBus.DBusError()
        dbus_error_init(&error)
        let pointer = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                dbus_message_demarshal($0.baseAddress, Int32(buffer.count), &error)
            }
        }
        guard let pointer else {
            let detail = error.message.map { String(cString: $0) } ?? "unknown reason"
            dbus_error_free(&error)
            throw .malformed("cannot parse message: \(detail)")
        }
        let message = LibDBusMessage(adopting: pointer)
        defer { message.release() }
        self = try message.decode()
    }
}

extension DBusValue {
    /// True if this value or any value inside it is a Unix fd.
    var containsUnixFD: Bool {
        switch self {
        case .unixFD: true
        case .array(let element, let values): element.containsUnixFD && values.contains(where: \.containsUnixFD)
        case .dictionary(_, _, let entries): entries.contains { $0.key.containsUnixFD || $0.value.containsUnixFD }
        case .structure(let fields): fields.contains(where: \.containsUnixFD)
        case .variant(let inner): inner.containsUnixFD
        default: false
        }
    }
}

extension DBusType {
    /// True if values of this type may hold a Unix fd (variants may hold anything).
    var containsUnixFD: Bool {
        switch self {
        case .unixFD, .variant: true
        case .array(let element): element.containsUnixFD
        case .dictionary(_, let value): value.containsUnixFD
        case .structure(let fields): fields.contains(where: \.containsUnixFD)
        default: false
        }
    }
}
