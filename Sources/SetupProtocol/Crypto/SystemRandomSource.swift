/// The operating system's CSPRNG, through the standard library's `SystemRandomNumberGenerator`
/// (getrandom(2) on Linux).
public struct SystemRandomSource: RandomSource, Sendable {
    /// Creates a handle on the system generator; it holds no state.
    public init() {}

    /// Fills `buffer` from the system CSPRNG.
    public mutating func fill(_ buffer: inout [UInt8]) {
        var generator = SystemRandomNumberGenerator()
        var index = 0
        while index < buffer.count {
            var word = generator.next()
            let chunk = min(8, buffer.count - index)
            for offset in 0..<chunk {
                buffer[index + offset] = UInt8(truncatingIfNeeded: word)
                word >>= 8
            }
            index += chunk
        }
    }
}
