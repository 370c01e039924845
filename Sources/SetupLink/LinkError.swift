/// Why an operation on a GATT link failed. Never carries a characteristic value.
public enum LinkError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The connection is gone.
    case disconnected
    /// The peer rejected the write (an ATT error response).
    case writeRejected
    /// The operation did not finish before its deadline.
    case timedOut
    /// The link layer failed for another reason (secret-free description).
    case failed(String)

    /// The failure in words, for a person.
    public var description: String {
        switch self {
        case .disconnected: return "the connection is gone"
        case .writeRejected: return "the printer rejected the write"
        case .timedOut: return "the link did not answer in time"
        case .failed(let reason): return "the link failed: \(reason)"
        }
    }
}
