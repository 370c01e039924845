import SetupProtocol

/// Replays a fixed byte sequence, for test vectors and recorded sessions.
///
/// Drawing more bytes than were given is a programming error in the test that set it up:
/// it traps with a message that says how many bytes were asked for and how many were left.
struct FixedRandomSource: RandomSource, Sendable {
    private let replay: [UInt8]
    private var position = 0

    /// Replays `bytes` in order.
    init(_ bytes: [UInt8]) {
        replay = bytes
    }

    /// How many bytes are left to replay.
    var remaining: Int { replay.count - position }

    /// Copies the next `buffer.count` bytes into `buffer`; traps when fewer remain.
    mutating func fill(_ buffer: inout [UInt8]) {
        precondition(
            buffer.count <= remaining,
            "FixedRandomSource exhausted: \(buffer.count) bytes requested, \(remaining) left"
        )
        for index in buffer.indices {
            buffer[index] = replay[position + index]
        }
        position += buffer.count
    }
}
