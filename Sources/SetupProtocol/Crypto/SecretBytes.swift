/// Bytes that must never be shown: keys, scalars, shared secrets, PINs.
///
/// `description`, `debugDescription` and `dump` print a redaction with the length only;
/// `==` compares in constant time. Read the contents deliberately through `bytes` or
/// `withUnsafeBytes(_:)`. (A Swift array cannot be reliably wiped, so no zeroing is promised.)
public struct SecretBytes: Sendable, Equatable {
    private let storage: [UInt8]

    /// Wraps `bytes` as a secret.
    public init(_ bytes: [UInt8]) {
        storage = bytes
    }

    /// The number of bytes (not secret).
    public var count: Int { storage.count }

    /// The secret bytes themselves, for the code that must use them.
    public var bytes: [UInt8] { storage }

    /// Calls `body` with a view of the secret bytes that is valid only during the call.
    public func withUnsafeBytes<Value, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        let outcome: Result<Value, Failure> = storage.withUnsafeBytes { buffer in
            do throws(Failure) {
                return .success(try body(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    /// Constant-time equality of the contents (lengths may differ and then compare unequal).
    public static func == (lhs: SecretBytes, rhs: SecretBytes) -> Bool {
        ConstantTime.isEqual(lhs.storage, rhs.storage)
    }
}

extension SecretBytes: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A redaction that shows the length only.
    public var description: String { "SecretBytes(\(storage.count) bytes, redacted)" }

    /// The same redaction as `description`.
    public var debugDescription: String { description }

    /// A mirror without children, so `dump` and debuggers show no contents.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
