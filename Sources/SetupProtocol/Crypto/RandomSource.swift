/// A source of random bytes for scalars and PINs.
///
/// Production code uses `SystemRandomSource`; the tests and vectors replay fixed bytes (their
/// own `FixedRandomSource`, which only the tests can reach) so that every byte a protocol run
/// draws is known in advance.
public protocol RandomSource {
    /// Overwrites every byte of `buffer` with fresh random bytes.
    mutating func fill(_ buffer: inout [UInt8])
}

extension RandomSource {
    /// Returns `count` fresh random bytes.
    public mutating func bytes(count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        fill(&buffer)
        return buffer
    }
}
