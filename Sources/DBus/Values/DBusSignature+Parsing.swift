extension DBusSignature {
    /// The longest signature the wire format allows, in bytes.
    public static let maximumLength = 255
    /// The deepest nesting of arrays, and separately of structs and dict entries, in a signature.
    public static let maximumNesting = 32

    /// Parses and validates signature text such as `oa{sa{sv}}`.
    ///
    /// Throws `.invalidSignature` for unknown type codes, incomplete types, empty structs,
    /// dict entries outside arrays, dictionary keys that are not basic types, nesting deeper than
    /// ``maximumNesting`` or text longer than ``maximumLength``.
    public init(parsing text: String) throws(DBusError) {
        var parser = SignatureParser(text)
        var types: [DBusType] = []
        while !parser.isAtEnd {
            types.append(try parser.parseCompleteType(arrayDepth: 0, structDepth: 0))
        }
        self.init(types)
    }

    /// Checks a signature built from ``DBusType`` values against the same rules as parsing.
    public func validate() throws(DBusError) {
        var length = 0
        for type in types {
            try type.validate(arrayDepth: 0, structDepth: 0)
            length += type.signature.utf8.count
        }
        guard length <= Self.maximumLength else {
            throw .invalidSignature("longer than \(Self.maximumLength) bytes")
        }
    }
}

extension DBusType {
    /// Parses text that holds exactly one complete type, such as `a{sv}`.
    public init(parsing text: String) throws(DBusError) {
        let signature = try DBusSignature(parsing: text)
        guard signature.types.count == 1 else {
            throw .invalidSignature("'\(text)' is not exactly one complete type")
        }
        self = signature.types[0]
    }

    /// Checks nesting limits, non-empty structs and basic dictionary keys.
    func validate(arrayDepth: Int, structDepth: Int) throws(DBusError) {
        switch self {
        case .array(let element):
            guard arrayDepth < DBusSignature.maximumNesting else { throw .invalidSignature("arrays nested too deeply") }
            try element.validate(arrayDepth: arrayDepth + 1, structDepth: structDepth)
        case .dictionary(let key, let value):
            guard arrayDepth < DBusSignature.maximumNesting, structDepth < DBusSignature.maximumNesting else {
                throw .invalidSignature("dictionary nested too deeply")
            }
            guard key.isBasic else { throw .invalidSignature("dictionary key '\(key.signature)' is not a basic type") }
            try value.validate(arrayDepth: arrayDepth + 1, structDepth: structDepth + 1)
        case .structure(let fields):
            guard !fields.isEmpty else { throw .invalidSignature("empty struct") }
            guard structDepth < DBusSignature.maximumNesting else { throw .invalidSignature("structs nested too deeply") }
            for field in fields {
                try field.validate(arrayDepth: arrayDepth, structDepth: structDepth + 1)
            }
        default:
            break
        }
    }

    /// The single-character type code of this type's first byte (`a` for arrays and dictionaries).
    var typeCode: UInt8 {
        switch self {
        case .byte: UInt8(ascii: "y")
        case .boolean: UInt8(ascii: "b")
        case .int16: UInt8(ascii: "n")
        case .uint16: UInt8(ascii: "q")
        case .int32: UInt8(ascii: "i")
        case .uint32: UInt8(ascii: "u")
        case .int64: UInt8(ascii: "x")
        case .uint64: UInt8(ascii: "t")
        case .double: UInt8(ascii: "d")
        case .string: UInt8(ascii: "s")
        case .objectPath: UInt8(ascii: "o")
        case .signature: UInt8(ascii: "g")
        case .unixFD: UInt8(ascii: "h")
        case .array, .dictionary: UInt8(ascii: "a")
        case .structure: UInt8(ascii: "(")
        case .variant: UInt8(ascii: "v")
        }
    }

    /// The basic type spelled by `code`, or nil.
    static func basic(code: UInt8) -> DBusType? {
        switch code {
        case UInt8(ascii: "y"): .byte
        case UInt8(ascii: "b"): .boolean
        case UInt8(ascii: "n"): .int16
        case UInt8(ascii: "q"): .uint16
        case UInt8(ascii: "i"): .int32
        case UInt8(ascii: "u"): .uint32
        case UInt8(ascii: "x"): .int64
        case UInt8(ascii: "t"): .uint64
        case UInt8(ascii: "d"): .double
        case UInt8(ascii: "s"): .string
        case UInt8(ascii: "o"): .objectPath
        case UInt8(ascii: "g"): .signature
        case UInt8(ascii: "h"): .unixFD
        default: nil
        }
    }
}

extension DBusError {
    @inline(never)
    static func invalidSignature(_ detail: String) -> DBusError {
        DBusError(.invalidSignature, message: "invalid signature: \(detail)")
    }
}

/// A recursive-descent parser over signature bytes.
private struct SignatureParser {
    private let bytes: [UInt8]
    private let text: String
    private var index = 0

    init(_ text: String) {
        self.text = text
        self.bytes = Array(text.utf8)
    }

    var isAtEnd: Bool { index >= bytes.count }

    mutating func parseCompleteType(arrayDepth: Int, structDepth: Int) throws(DBusError) -> DBusType {
        guard bytes.count <= DBusSignature.maximumLength else {
            throw .invalidSignature("longer than \(DBusSignature.maximumLength) bytes")
        }
        guard index < bytes.count else { throw .invalidSignature("'\(text)' ends inside a type") }
        let code = bytes[index]
        index += 1
        if let basic = DBusType.basic(code: code) { return basic }
        switch code {
        case UInt8(ascii: "v"):
            return .variant
        case UInt8(ascii: "a"):
            guard arrayDepth < DBusSignature.maximumNesting else { throw .invalidSignature("arrays nested too deeply") }
            if index < bytes.count, bytes[index] == UInt8(ascii: "{") {
                index += 1
                guard structDepth < DBusSignature.maximumNesting else {
                    throw .invalidSignature("dictionary nested too deeply")
                }
                let key = try parseCompleteType(arrayDepth: arrayDepth + 1, structDepth: structDepth + 1)
                guard key.isBasic else { throw .invalidSignature("dictionary key in '\(text)' is not a basic type") }
                let value = try parseCompleteType(arrayDepth: arrayDepth + 1, structDepth: structDepth + 1)
                guard index < bytes.count, bytes[index] == UInt8(ascii: "}") else {
                    throw .invalidSignature("dict entry in '\(text)' must hold exactly a key and a value")
                }
                index += 1
                return .dictionary(key: key, value: value)
            }
            return .array(try parseCompleteType(arrayDepth: arrayDepth + 1, structDepth: structDepth))
        case UInt8(ascii: "("):
            guard structDepth < DBusSignature.maximumNesting else { throw .invalidSignature("structs nested too deeply") }
            var fields: [DBusType] = []
            while true {
                guard index < bytes.count else { throw .invalidSignature("unterminated struct in '\(text)'") }
                if bytes[index] == UInt8(ascii: ")") {
                    index += 1
                    break
                }
                fields.append(try parseCompleteType(arrayDepth: arrayDepth, structDepth: structDepth + 1))
            }
            guard !fields.isEmpty else { throw .invalidSignature("empty struct in '\(text)'") }
            return .structure(fields)
        case UInt8(ascii: "{"):
            throw .invalidSignature("dict entry outside an array in '\(text)'")
        default:
            throw .invalidSignature("unknown type code in '\(text)'")
        }
    }
}
