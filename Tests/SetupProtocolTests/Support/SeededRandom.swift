import SetupProtocol

/// A deterministic RandomSource (SplitMix64) that records every byte it hands out.
struct SeededRandom: RandomSource {
    private var state: UInt64
    private(set) var drawn: [UInt8] = []

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func fill(_ buffer: inout [UInt8]) {
        for index in buffer.indices { buffer[index] = UInt8(truncatingIfNeeded: next()) }
        drawn += buffer
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}
