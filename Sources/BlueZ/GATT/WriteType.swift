/// The ATT operation of a characteristic write (`WriteValue`'s `type` option).
public enum WriteType: String, Sendable, Hashable {
    /// Write Request: the peer answers (one round trip); errors come back.
    case request
    /// Write Command (write without response): no answer, no round trip.
    case command
    /// Reliable (prepared) write.
    case reliable
}
