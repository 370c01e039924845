import SetupProtocol

/// A deterministic RandomSource for tests and vectors: SplitMix64 from a seed, or a replay of
/// recorded bytes. Records every byte it hands out.
struct SeededRandom: RandomSource {
    private var state: UInt64
    private var replay: [UInt8]?
    private(set) var drawn: [UInt8] = []

    init(seed: UInt64) { state = seed }

    /// Hands out exactly `bytes`, then traps (a vector that needs more is broken).
    init(replaying bytes: [UInt8]) {
        state = 0
        replay = bytes
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func fill(_ buffer: inout [UInt8]) {
        if let replay {
            precondition(drawn.count + buffer.count <= replay.count, "replayed randomness exhausted")
            for index in buffer.indices { buffer[index] = replay[drawn.count + index] }
        } else {
            for index in buffer.indices { buffer[index] = UInt8(truncatingIfNeeded: next()) }
        }
        drawn += buffer
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}
