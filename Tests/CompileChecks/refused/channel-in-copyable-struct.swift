// expected error: stored property 'channel' of 'Copyable'-conforming struct 'Snapshot' has non-Copyable type 'SecureChannel'
// A copyable holder would let every copy of it carry its own copy of the counters.
import SetupProtocol

struct Snapshot {
    var channel: SecureChannel
}
