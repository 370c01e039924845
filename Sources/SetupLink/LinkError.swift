/// Why an operation on a GATT link failed. Never carries a characteristic value.
public enum LinkError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The connection is gone.
    case disconnected
    /// The peer rejected the write (an ATT error response).
    case writeRejected
    /// The printer refused the write because another central's session holds it (ATT error
    /// Insufficient Authorization on the final fragment of ClientHello; SPEC §11.4).
    case refusedBusy
    /// The operation did not finish before its deadline.
    case timedOut
    /// The link layer failed for another reason (secret-free description).
    case failed(String)

    /// The failure in words, for a person.
    public var description: String {
        switch self {
        case .disconnected: return "the connection is gone"
        case .writeRejected: return "the printer rejected the write"
        case .refusedBusy: return "the printer refused the write: another session holds it"
        case .timedOut: return "the link did not answer in time"
        case .failed(let reason): return "the link failed: \(reason)"
        }
    }
}
