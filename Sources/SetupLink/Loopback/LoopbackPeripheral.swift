import SetupProtocol

/// A printer that can be reached over a ``LoopbackRadio``.
public protocol LoopbackPeripheral: Sendable {
    /// The advertisement as it is now (the busy flag changes).
    func currentAdvertisement() async -> SetupAdvertisement
    /// The name in the scan response, if any.
    var localName: String? { get }
    /// The value of the Info characteristic.
    func infoValue() -> [UInt8]
    /// Serves one connected central until it disconnects.
    func serve(_ link: any GATTServerLink) async
}
