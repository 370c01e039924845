/// One type-length-value field (SPEC §7.1).
///
/// Type: one octet, bit 7 = critical, bits 6-0 = field number. Length: big-endian UInt16.
/// A receiver that does not know a field number skips the field when its critical bit is clear
/// and rejects the message when it is set.
public struct TLVField: Hashable, Sendable {
    /// Bit 7 of the type octet.
    public static let criticalBit: UInt8 = 0x80
    /// Octets before the value: type and length.
    public static let headerSize = 3

    /// The field number (bits 6-0 of the type octet).
    public var number: UInt8
    /// Whether a receiver that does not know the field must reject the message.
    public var isCritical: Bool
    /// The value octets.
    public var value: [UInt8]

    /// Creates a field.
    public init(number: UInt8, isCritical: Bool, value: [UInt8]) {
        self.number = number & 0x7F
        self.isCritical = isCritical
        self.value = value
    }

    /// Appends type, length and value to `bytes`. Values longer than 65535 octets are refused.
    public func encode(into bytes: inout [UInt8]) throws(ProtocolError) {
        guard value.count <= Int(UInt16.max) else { throw ProtocolError(.messageTooLarge) }
        bytes.append(number | (isCritical ? Self.criticalBit : 0))
        bytes.append(UInt8(value.count >> 8))
        bytes.append(UInt8(value.count & 0xFF))
        bytes.append(contentsOf: value)
    }
}

/// The fields of one message body, decoded and checked against what the receiver knows.
public struct TLVFields: Sendable {
    /// The known fields in wire order, each with the offset of its type octet in the body.
    public private(set) var fields: [(offset: Int, field: TLVField)]

    /// Decodes `body` into fields.
    ///
    /// - Parameters:
    ///   - known: the field numbers this message defines.
    ///   - repeatable: the known numbers that may occur more than once.
    /// - Throws: `.malformedMessage` on a truncated field, `.unsupportedCriticalField` on an
    ///   unknown critical field, `.duplicateField` on a repeated non-repeatable field.
    public init(decoding body: ArraySlice<UInt8>, known: Set<UInt8>, repeatable: Set<UInt8> = []) throws(ProtocolError) {
        var fields: [(offset: Int, field: TLVField)] = []
        var seen = Set<UInt8>()
        var index = body.startIndex
        while index < body.endIndex {
            guard body.endIndex - index >= TLVField.headerSize else { throw .malformed("truncated field header") }
            let type = body[index]
            let length = Int(body[index + 1]) << 8 | Int(body[index + 2])
            let valueStart = index + TLVField.headerSize
            guard body.endIndex - valueStart >= length else { throw .malformed("truncated field value") }
            let number = type & 0x7F
            let critical = type & TLVField.criticalBit != 0
            if known.contains(number) {
                guard repeatable.contains(number) || seen.insert(number).inserted else { throw ProtocolError(.duplicateField(number)) }
                let field = TLVField(number: number, isCritical: critical, value: Array(body[valueStart..<(valueStart + length)]))
                fields.append((index - body.startIndex, field))
            } else if critical {
                throw ProtocolError(.unsupportedCriticalField(number))
            }
            index = valueStart + length
        }
        self.fields = fields
    }

    /// The value of the single field `number`, or nil.
    public func value(_ number: UInt8) -> [UInt8]? {
        fields.first { $0.field.number == number }?.field.value
    }

    /// The value of the single field `number`; throws `.missingField` when absent.
    public func required(_ number: UInt8) throws(ProtocolError) -> [UInt8] {
        guard let value = value(number) else { throw ProtocolError(.missingField(number)) }
        return value
    }

    /// The values of every occurrence of `number`, in order.
    public func values(_ number: UInt8) -> [[UInt8]] {
        fields.filter { $0.field.number == number }.map(\.field.value)
    }
}

/// Builds a message body field by field.
public struct TLVWriter: Sendable {
    /// The encoded octets so far.
    public private(set) var bytes: [UInt8]

    /// Starts a body, optionally after a message-type octet.
    public init(prefix: [UInt8] = []) { bytes = prefix }

    /// Appends a field.
    public mutating func append(_ number: UInt8, critical: Bool, _ value: [UInt8]) throws(ProtocolError) {
        try TLVField(number: number, isCritical: critical, value: value).encode(into: &bytes)
    }

    /// Appends a one-octet field.
    public mutating func append(_ number: UInt8, critical: Bool, byte: UInt8) throws(ProtocolError) {
        try append(number, critical: critical, [byte])
    }
}

extension Array where Element == UInt8 {
    /// The single octet of a one-octet field value.
    func singleByte(_ field: ProtocolField) throws(ProtocolError) -> UInt8 {
        guard count == 1 else { throw .invalid(field, "must be 1 octet") }
        return self[0]
    }

    /// A big-endian UInt16 field value.
    func uint16(_ field: ProtocolField) throws(ProtocolError) -> UInt16 {
        guard count == 2 else { throw .invalid(field, "must be 2 octets") }
        return UInt16(self[0]) << 8 | UInt16(self[1])
    }
}

extension UInt16 {
    /// Big-endian octets.
    var bigEndianBytes: [UInt8] { [UInt8(self >> 8), UInt8(self & 0xFF)] }
}
