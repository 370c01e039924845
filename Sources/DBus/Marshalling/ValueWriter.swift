import CDBus

/// Appends validated ``DBusValue``s to a libdbus message through a `DBusMessageIter`.
///
/// Callers validate first (``DBusValue/validate()``): libdbus aborts on invalid input. The only
/// failures left are libdbus running out of memory or refusing a Unix fd it cannot duplicate.
/// Unix fds are duplicated by libdbus; the message owns the duplicates and the caller's
/// ``DBusUnixFD`` keeps its own descriptor.
enum ValueWriter {
    static func append(_ value: DBusValue, to iter: inout DBusMessageIter) throws(DBusError) {
        let ok: Bool
        switch value {
        case .byte(var v): ok = appendBasic(&iter, TypeCode.byte, &v)
        case .boolean(let b):
            var v: dbus_bool_t = b ? 1 : 0
            ok = appendBasic(&iter, TypeCode.boolean, &v)
        case .int16(var v): ok = appendBasic(&iter, TypeCode.int16, &v)
        case .uint16(var v): ok = appendBasic(&iter, TypeCode.uint16, &v)
        case .int32(var v): ok = appendBasic(&iter, TypeCode.int32, &v)
        case .uint32(var v): ok = appendBasic(&iter, TypeCode.uint32, &v)
        case .int64(var v): ok = appendBasic(&iter, TypeCode.int64, &v)
        case .uint64(var v): ok = appendBasic(&iter, TypeCode.uint64, &v)
        case .double(var v): ok = appendBasic(&iter, TypeCode.double, &v)
        case .string(let text): ok = appendString(&iter, TypeCode.string, text)
        case .objectPath(let path): ok = appendString(&iter, TypeCode.objectPath, path.rawValue)
        case .signature(let signature): ok = appendString(&iter, TypeCode.signature, signature.rawValue)
        case .unixFD(let fd):
            var raw = fd.rawValue
            guard appendBasic(&iter, TypeCode.unixFD, &raw) else {
                throw DBusError(.invalidArguments, message: "libdbus could not duplicate Unix fd \(fd.rawValue)")
            }
            return
        case .array(.byte, let values):
            let bytes = values.map { value -> UInt8 in
                if case .byte(let b) = value { return b }
                return 0
            }
            try appendByteArray(bytes, to: &iter)
            return
        case .array(let element, let values):
            try withContainer(&iter, TypeCode.array, signature: element.signature) { sub throws(DBusError) in
                for item in values { try append(item, to: &sub) }
            }
            return
        case .dictionary(let key, let valueType, let entries):
            let entrySignature = "{" + key.signature + valueType.signature + "}"
            try withContainer(&iter, TypeCode.array, signature: entrySignature) { sub throws(DBusError) in
                for entry in entries {
                    try withContainer(&sub, TypeCode.dictEntry, signature: nil) { pair throws(DBusError) in
                        try append(entry.key, to: &pair)
                        try append(entry.value, to: &pair)
                    }
                }
            }
            return
        case .structure(let fields):
            try withContainer(&iter, TypeCode.structure, signature: nil) { sub throws(DBusError) in
                for field in fields { try append(field, to: &sub) }
            }
            return
        case .variant(let inner):
            try withContainer(&iter, TypeCode.variant, signature: inner.type.signature) { sub throws(DBusError) in
                try append(inner, to: &sub)
            }
            return
        }
        guard ok else { throw .outOfMemory }
    }

    /// Appends `ay` in one copy.
    static func appendByteArray(_ bytes: [UInt8], to iter: inout DBusMessageIter) throws(DBusError) {
        try withContainer(&iter, TypeCode.array, signature: "y") { sub throws(DBusError) in
            let ok = bytes.withUnsafeBufferPointer { buffer -> Bool in
                var base = buffer.baseAddress
                if base == nil {
                    // An empty array still needs a non-null pointer for libdbus.
                    var dummy: UInt8 = 0
                    return withUnsafePointer(to: &dummy) { pointer in
                        var p: UnsafePointer<UInt8>? = pointer
                        return dbus_message_iter_append_fixed_array(&sub, TypeCode.byte, &p, 0) != 0
                    }
                }
                return dbus_message_iter_append_fixed_array(&sub, TypeCode.byte, &base, Int32(buffer.count)) != 0
            }
            guard ok else { throw .outOfMemory }
        }
    }

    private static func appendBasic<T>(_ iter: inout DBusMessageIter, _ code: Int32, _ value: inout T) -> Bool {
        withUnsafeMutablePointer(to: &value) { dbus_message_iter_append_basic(&iter, code, $0) != 0 }
    }

    private static func appendString(_ iter: inout DBusMessageIter, _ code: Int32, _ text: String) -> Bool {
        text.withCString { cString in
            var pointer: UnsafePointer<CChar>? = cString
            return dbus_message_iter_append_basic(&iter, code, &pointer) != 0
        }
    }

    /// Opens a container, fills it, and closes it; abandons it if filling fails.
    private static func withContainer(
        _ iter: inout DBusMessageIter, _ code: Int32, signature: String?,
        _ fill: (inout DBusMessageIter) throws(DBusError) -> Void
    ) throws(DBusError) {
        var sub = DBusMessageIter()
        let opened: Bool
        if let signature {
            opened = signature.withCString { dbus_message_iter_open_container(&iter, code, $0, &sub) != 0 }
        } else {
            opened = dbus_message_iter_open_container(&iter, code, nil, &sub) != 0
        }
        guard opened else { throw .outOfMemory }
        do {
            try fill(&sub)
        } catch {
            dbus_message_iter_abandon_container(&iter, &sub)
            throw error
        }
        guard dbus_message_iter_close_container(&iter, &sub) != 0 else { throw .outOfMemory }
    }
}

extension DBusError {
    @inline(never)
    static var outOfMemory: DBusError { DBusError(.noMemory, message: "libdbus ran out of memory") }
}
