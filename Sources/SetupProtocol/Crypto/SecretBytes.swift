#if canImport(Glibc)
import Glibc
#endif

/// Bytes that must never be shown: keys, scalars, shared secrets, PINs.
///
/// `description`, `debugDescription` and `dump` print a redaction with the length only;
/// `==` compares in constant time. Read the contents deliberately through
/// `withUnsafeBytes(_:)`, or `bytes` where an API needs an array.
///
/// The bytes live in one heap buffer of their own, shared by copies of the value and zeroed
/// with `explicit_bzero` (which the compiler may not drop) when the last copy goes. What this
/// does not reach is stated in SPEC §2: arrays made from the secret (`bytes`, hash inputs,
/// swift-crypto's own copies, which swift-crypto zeroes itself) are not wiped.
public struct SecretBytes: Sendable, Equatable {
    private let storage: WipedBuffer

    /// Wraps `bytes` as a secret (the array itself is the caller's to drop).
    public init(_ bytes: [UInt8]) {
        storage = WipedBuffer(bytes)
    }

    /// The number of bytes (not secret).
    public var count: Int { storage.buffer.count }

    /// A copy of the secret bytes as an array, for the code that must pass one on. The copy is
    /// not wiped: prefer `withUnsafeBytes(_:)`.
    public var bytes: [UInt8] { Array(storage.buffer) }

    /// Calls `body` with a view of the secret bytes that is valid only during the call.
    public func withUnsafeBytes<Value, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        try body(UnsafeRawBufferPointer(storage.buffer))
    }

    /// Constant-time equality of the contents (lengths may differ and then compare unequal).
    public static func == (lhs: SecretBytes, rhs: SecretBytes) -> Bool {
        ConstantTime.isEqual(UnsafeBufferPointer(lhs.storage.buffer), UnsafeBufferPointer(rhs.storage.buffer))
    }
}

extension SecretBytes: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A redaction that shows the length only.
    public var description: String { "SecretBytes(\(count) bytes, redacted)" }

    /// The same redaction as `description`.
    public var debugDescription: String { description }

    /// A mirror without children, so `dump` and debuggers show no contents.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// The heap buffer behind ``SecretBytes``: written once at creation, zeroed when released.
final class WipedBuffer: Sendable {
    /// Never written after `init`, so reading it from several threads is safe.
    nonisolated(unsafe) let buffer: UnsafeMutableBufferPointer<UInt8>

    init(_ bytes: [UInt8]) {
        buffer = .allocate(capacity: bytes.count)
        _ = buffer.initialize(from: bytes)
    }

    deinit {
        Self.wipe(UnsafeMutableRawBufferPointer(buffer))
        buffer.deallocate()
    }

    /// Zeroes `memory` in a way the compiler may not remove as a dead store.
    static func wipe(_ memory: UnsafeMutableRawBufferPointer) {
        guard let base = memory.baseAddress, memory.count > 0 else { return }
        explicit_bzero(base, memory.count)
    }
}
