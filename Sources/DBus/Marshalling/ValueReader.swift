import CDBus

/// Reads ``DBusValue``s from a libdbus message through a `DBusMessageIter`.
///
/// libdbus validated the bytes when it loaded the message, so unknown type codes only show up if
/// that contract breaks; they become `.malformedMessage`. Unix fds come back as descriptors that
/// libdbus duplicated for us: each is wrapped at once in a ``DBusUnixFD`` that owns it.
enum ValueReader {
    /// Reads every value from `iter` to its end.
    static func readAll(_ iter: inout DBusMessageIter) throws(DBusError) -> [DBusValue] {
        var values: [DBusValue] = []
        while dbus_message_iter_get_arg_type(&iter) != TypeCode.invalid {
            values.append(try read(&iter))
            dbus_message_iter_next(&iter)
        }
        return values
    }

    /// Reads the value `iter` points at, without advancing.
    static func read(_ iter: inout DBusMessageIter) throws(DBusError) -> DBusValue {
        let code = dbus_message_iter_get_arg_type(&iter)
        switch code {
        case TypeCode.byte: return .byte(basic(&iter).byt)
        case TypeCode.boolean: return .boolean(basic(&iter).bool_val != 0)
        case TypeCode.int16: return .int16(basic(&iter).i16)
        case TypeCode.uint16: return .uint16(basic(&iter).u16)
        case TypeCode.int32: return .int32(basic(&iter).i32)
        case TypeCode.uint32: return .uint32(basic(&iter).u32)
        case TypeCode.int64: return .int64(Int64(basic(&iter).i64))
        case TypeCode.uint64: return .uint64(UInt64(basic(&iter).u64))
        case TypeCode.double: return .double(basic(&iter).dbl)
        case TypeCode.string: return .string(try string(&iter))
        case TypeCode.objectPath: return .objectPath(DBusObjectPath(unchecked: try string(&iter)))
        case TypeCode.signature: return .signature(try DBusSignature(parsing: try string(&iter)))
        case TypeCode.unixFD:
            let fd = basic(&iter).fd
            guard fd >= 0 else { throw .malformed("libdbus could not duplicate a received Unix fd") }
            return .unixFD(DBusUnixFD(takingOwnershipOf: fd))
        case TypeCode.array: return try readArray(&iter)
        case TypeCode.structure:
            var sub = DBusMessageIter()
            dbus_message_iter_recurse(&iter, &sub)
            return .structure(try readAll(&sub))
        case TypeCode.variant:
            var sub = DBusMessageIter()
            dbus_message_iter_recurse(&iter, &sub)
            return .variant(try read(&sub))
        default:
            throw .malformed("unknown type code \(code)")
        }
    }

    private static func readArray(_ iter: inout DBusMessageIter) throws(DBusError) -> DBusValue {
        let type = try DBusType(parsing: try currentSignature(&iter))
        var sub = DBusMessageIter()
        dbus_message_iter_recurse(&iter, &sub)
        switch type {
        case .array(.byte):
            var pointer: UnsafeMutableRawPointer?
            var count: Int32 = 0
            dbus_message_iter_get_fixed_array(&sub, &pointer, &count)
            let bytes: [UInt8]
            if let pointer, count > 0 {
                bytes = Array(UnsafeBufferPointer(start: pointer.assumingMemoryBound(to: UInt8.self), count: Int(count)))
            } else {
                bytes = []
            }
            return .array(element: .byte, values: bytes.map(DBusValue.byte))
        case .array(let element):
            return .array(element: element, values: try readAll(&sub))
        case .dictionary(let key, let value):
            var entries: [DBusDictionaryEntry] = []
            while dbus_message_iter_get_arg_type(&sub) == TypeCode.dictEntry {
                var pair = DBusMessageIter()
                dbus_message_iter_recurse(&sub, &pair)
                let k = try read(&pair)
                guard dbus_message_iter_next(&pair) != 0 else { throw .malformed("dict entry without a value") }
                entries.append(DBusDictionaryEntry(key: k, value: try read(&pair)))
                dbus_message_iter_next(&sub)
            }
            return .dictionary(key: key, value: value, entries: entries)
        default:
            throw .malformed("array with signature '\(type.signature)'")
        }
    }

    private static func basic(_ iter: inout DBusMessageIter) -> DBusBasicValue {
        var value = DBusBasicValue()
        dbus_message_iter_get_basic(&iter, &value)
        return value
    }

    private static func string(_ iter: inout DBusMessageIter) throws(DBusError) -> String {
        guard let cString = basic(&iter).str else { throw .malformed("null string") }
        return String(cString: cString)
    }

    /// The signature of the complete type `iter` points at.
    private static func currentSignature(_ iter: inout DBusMessageIter) throws(DBusError) -> String {
        guard let cString = dbus_message_iter_get_signature(&iter) else { throw .outOfMemory }
        defer { dbus_free(cString) }
        return String(cString: cString)
    }
}
