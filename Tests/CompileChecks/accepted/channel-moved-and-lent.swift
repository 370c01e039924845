// The control for refused/: one channel, moved and lent but never duplicated, compiles (so a
// refusal there is the copy's, not a missing module or a typo).
import SetupProtocol

struct Holder: ~Copyable {
    var channel: SecureChannel?
}

func seal(_ message: [UInt8], with channel: inout SecureChannel) throws(ProtocolError) -> [UInt8] {
    try channel.seal(message, recordType: 0x10)
}

func useOneChannel(_ keys: KeySchedule) throws(ProtocolError) -> [[UInt8]] {
    var channel = keys.clientChannel()
    let first = try channel.seal([1], recordType: 0x10)
    var moved = consume channel
    let second = try seal([2], with: &moved)
    var holder = Holder(channel: moved)
    let third = try holder.channel?.seal([3], recordType: 0x10)
    holder.channel = nil
    return [first, second, third ?? []]
}

func sendAndClose(_ session: inout CentralSession, now: MonotonicInstant) throws(ProtocolError) -> [CentralAction] {
    try session.send(.deviceInfo, now: now) + session.disconnected(now: now)
}
