/// An Error message (SPEC §8.9): plain before authentication, sealed after.
public struct ErrorReport: Hashable, Sendable {
    /// What went wrong.
    public var code: WireErrorCode
    /// PIN attempts left before the PIN is rotated (with `.authenticationFailed`).
    public var attemptsLeft: UInt8?
    /// Seconds until a new attempt is accepted (with `.lockedOut` and `.busy`).
    public var retryAfterSeconds: UInt16?

    /// Creates an error report.
    public init(code: WireErrorCode, attemptsLeft: UInt8? = nil, retryAfterSeconds: UInt16? = nil) {
        self.code = code
        self.attemptsLeft = attemptsLeft
        self.retryAfterSeconds = retryAfterSeconds
    }

    enum Field {
        static let code: UInt8 = 1, attemptsLeft: UInt8 = 2, retryAfter: UInt8 = 3
    }

    func encode(into writer: inout TLVWriter) throws(ProtocolError) {
        try writer.append(Field.code, critical: true, byte: code.rawValue)
        if let attemptsLeft { try writer.append(Field.attemptsLeft, critical: false, byte: attemptsLeft) }
        if let retryAfterSeconds { try writer.append(Field.retryAfter, critical: false, retryAfterSeconds.bigEndianBytes) }
    }

    static func decode(_ body: ArraySlice<UInt8>) throws(ProtocolError) -> ErrorReport {
        let fields = try TLVFields(decoding: body, known: [1, 2, 3])
        guard let code = WireErrorCode(rawValue: try fields.required(Field.code).singleByte(.errorCode)) else {
            throw .invalid(.errorCode, "is not a known error code")
        }
        let attempts = try fields.value(Field.attemptsLeft).map { (v: [UInt8]) throws(ProtocolError) in try v.singleByte(.errorCode) }
        let retry = try fields.value(Field.retryAfter).map { (v: [UInt8]) throws(ProtocolError) in try v.uint16(.errorCode) }
        return ErrorReport(code: code, attemptsLeft: attempts, retryAfterSeconds: retry)
    }
}
