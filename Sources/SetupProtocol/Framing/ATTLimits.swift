/// ATT sizes that bound fragments (SPEC §6.1).
public enum ATTLimits {
    /// The smallest ATT MTU; also the fallback when the MTU is unknown.
    public static let minimumMTU = 23
    /// The largest useful ATT MTU: an attribute value holds at most 512 octets.
    public static let maximumMTU = 515
    /// Bytes of ATT header in a Write Request, Write Command or Handle Value Notification.
    public static let operationHeaderSize = 3

    /// The value bytes one ATT write or notification carries at `mtu`: clamp(mtu) - 3.
    public static func valueSize(forMTU mtu: Int) -> Int {
        min(max(mtu, minimumMTU), maximumMTU) - operationHeaderSize
    }
}
