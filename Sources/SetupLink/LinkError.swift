/// Why an operation on a GATT link failed. Never carries a characteristic value.
public enum LinkError: Error, Hashable, Sendable {
    /// The connection is gone.
    case disconnected
    /// The peer rejected the write (an ATT error response).
    case writeRejected
    /// The operation did not finish before its deadline.
    case timedOut
    /// The link layer failed for another reason (secret-free description).
    case failed(String)
}
