// expected error: 'channel' used after consume
// A stale copy of a channel's counters: both copies would seal their first message under send
// counter 0, so two plaintexts would share a nonce under one key (SPEC §10).
import SetupProtocol

func sealTwiceUnderOneCounter(_ keys: KeySchedule) throws(ProtocolError) -> [[UInt8]] {
    var channel = keys.clientChannel()
    var staleCopy = channel
    return [try channel.seal([1], recordType: 0x10), try staleCopy.seal([2], recordType: 0x10)]
}
