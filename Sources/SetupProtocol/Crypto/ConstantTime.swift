/// Comparisons whose running time does not depend on the contents of the compared bytes.
///
/// Only the lengths may leak: both inputs are always read to the end.
public enum ConstantTime {
    /// Whether `lhs` and `rhs` hold the same bytes, without an early exit on the first
    /// difference. Inputs of different lengths compare unequal (the length is not secret).
    public static func isEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        lhs.withUnsafeBufferPointer { left in rhs.withUnsafeBufferPointer { right in isEqual(left, right) } }
    }

    /// The same over two buffers, without copying them (for secrets in ``SecretBytes``).
    static func isEqual(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices {
            difference |= lhs[index] ^ rhs[index]
        }
        return isZeroMask(UInt64(difference)) == .max
    }

    /// Whether every byte of `bytes` is zero, reading all of them.
    public static func isAllZero(_ bytes: [UInt8]) -> Bool {
        var accumulator: UInt8 = 0
        for byte in bytes {
            accumulator |= byte
        }
        return isZeroMask(UInt64(accumulator)) == .max
    }

    /// All ones when `value` is zero, all zeros otherwise, computed without a branch.
    @inline(__always)
    static func isZeroMask(_ value: UInt64) -> UInt64 {
        // (value | -value) has its top bit set exactly when value != 0.
        let nonZeroBit = (value | (0 &- value)) >> 63
        return nonZeroBit &- 1
    }

    /// All ones when `bit` is 1, all zeros when it is 0 (`bit` must be 0 or 1).
    @inline(__always)
    static func mask(fromBit bit: UInt64) -> UInt64 {
        0 &- bit
    }
}
