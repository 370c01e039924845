extension DBusValue {
    /// The value inside a variant (recursively), or the value itself.
    public var unwrappedVariant: DBusValue {
        var value = self
        while case .variant(let inner) = value { value = inner }
        return value
    }

    /// The byte, if this is `y`.
    public var byte: UInt8? { if case .byte(let v) = self { v } else { nil } }
    /// The boolean, if this is `b`.
    public var bool: Bool? { if case .boolean(let v) = self { v } else { nil } }
    /// The integer, if this is `n`.
    public var int16: Int16? { if case .int16(let v) = self { v } else { nil } }
    /// The integer, if this is `q`.
    public var uint16: UInt16? { if case .uint16(let v) = self { v } else { nil } }
    /// The integer, if this is `i`.
    public var int32: Int32? { if case .int32(let v) = self { v } else { nil } }
    /// The integer, if this is `u`.
    public var uint32: UInt32? { if case .uint32(let v) = self { v } else { nil } }
    /// The integer, if this is `x`.
    public var int64: Int64? { if case .int64(let v) = self { v } else { nil } }
    /// The integer, if this is `t`.
    public var uint64: UInt64? { if case .uint64(let v) = self { v } else { nil } }
    /// The number, if this is `d`.
    public var double: Double? { if case .double(let v) = self { v } else { nil } }
    /// The text, if this is `s`.
    public var string: String? { if case .string(let v) = self { v } else { nil } }
    /// The path, if this is `o`.
    public var objectPath: DBusObjectPath? { if case .objectPath(let v) = self { v } else { nil } }
    /// The signature, if this is `g`.
    public var signatureValue: DBusSignature? { if case .signature(let v) = self { v } else { nil } }
    /// The descriptor, if this is `h`.
    public var unixFD: DBusUnixFD? { if case .unixFD(let v) = self { v } else { nil } }
    /// The elements, if this is an array (not a dictionary).
    public var arrayElements: [DBusValue]? { if case .array(_, let v) = self { v } else { nil } }
    /// The entries, if this is a dictionary.
    public var dictionaryEntries: [DBusDictionaryEntry]? { if case .dictionary(_, _, let v) = self { v } else { nil } }
    /// The fields, if this is a struct.
    public var structFields: [DBusValue]? { if case .structure(let v) = self { v } else { nil } }

    /// Extracts a typed value with one of the accessors above, or throws `.typeMismatch`
    /// naming the expected and found signatures: `try value.decode(\.string, as: "s")`.
    public func decode<T>(_ accessor: (DBusValue) -> T?, as expected: String) throws(DBusError) -> T {
        guard let result = accessor(self) else { throw .typeMismatch(expected: expected, found: type.signature) }
        return result
    }
}
