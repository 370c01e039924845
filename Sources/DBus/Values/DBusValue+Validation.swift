extension DBusValue {
    /// The deepest nesting of containers (arrays, structs, dict entries and variants) in one value.
    public static let maximumContainerDepth = 64

    /// Checks that this value can go on the wire: every element of an array or dictionary has the
    /// declared element type, signatures are valid, strings hold no NUL byte, structs are not
    /// empty, and containers nest at most ``maximumContainerDepth`` deep.
    ///
    /// The connection calls this before a value reaches libdbus, which would abort the process on
    /// such input.
    public func validate() throws(DBusError) {
        let type = self.type
        try type.validate(arrayDepth: 0, structDepth: 0)
        try Self.check(self, as: type, depth: 0)
    }

    private static func check(_ value: DBusValue, as type: DBusType, depth: Int) throws(DBusError) {
        guard depth <= maximumContainerDepth else {
            throw DBusError(.invalidArguments, message: "value nested deeper than \(maximumContainerDepth) containers")
        }
        switch (value, type) {
        case (.byte, .byte), (.boolean, .boolean), (.int16, .int16), (.uint16, .uint16), (.int32, .int32),
            (.uint32, .uint32), (.int64, .int64), (.uint64, .uint64), (.double, .double),
            (.objectPath, .objectPath), (.unixFD, .unixFD):
            return
        case (.string(let text), .string):
            guard !text.utf8.contains(0) else {
                throw DBusError(.invalidArguments, message: "string contains a NUL byte")
            }
        case (.signature(let signature), .signature):
            try signature.validate()
        case (.array(let element, let values), .array(let declared)) where element == declared:
            for item in values {
                try check(item, as: element, depth: depth + 1)
            }
        case (.dictionary(let key, let valueType, let entries), .dictionary(let declaredKey, let declaredValue))
        where key == declaredKey && valueType == declaredValue:
            for entry in entries {
                try check(entry.key, as: key, depth: depth + 2)
                try check(entry.value, as: valueType, depth: depth + 2)
            }
        case (.structure(let fields), .structure(let types)) where fields.count == types.count:
            guard !fields.isEmpty else { throw DBusError(.invalidArguments, message: "empty struct") }
            for (field, fieldType) in zip(fields, types) {
                try check(field, as: fieldType, depth: depth + 1)
            }
        case (.variant(let inner), .variant):
            let innerType = inner.type
            try innerType.validate(arrayDepth: 0, structDepth: 0)
            guard innerType.signature.utf8.count <= DBusSignature.maximumLength else {
                throw .invalidSignature("variant type longer than \(DBusSignature.maximumLength) bytes")
            }
            try check(inner, as: innerType, depth: depth + 1)
        default:
            throw .typeMismatch(expected: type.signature, found: value.type.signature)
        }
    }
}

extension DBusError {
    /// A value or body that did not have the expected signature.
    @inline(never)
    static func typeMismatch(expected: String, found: String) -> DBusError {
        DBusError(.typeMismatch, message: "expected signature '\(expected)', found '\(found)'")
    }
}
