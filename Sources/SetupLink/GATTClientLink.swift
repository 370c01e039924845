/// The central's view of one connected printer's setup service, as the session drivers need it.
///
/// BlueZ adapters conform by mapping each call to the Request, Events and Info characteristics
/// (SPEC §17); ``LoopbackConnection`` conforms in memory.
public protocol GATTClientLink: Sendable {
    /// The ATT MTU of the link (BlueZ: the Request characteristic's `MTU` property; 23 when unknown).
    func mtu() async -> Int
    /// Subscribes to Events notifications and enables them, in that order, so that none is missed.
    /// The stream yields each notification value in order and finishes when the link is lost.
    func subscribeToEvents() async throws(LinkError) -> AsyncStream<[UInt8]>
    /// Writes one fragment to Request: a Write Request when `withResponse` (returns after the
    /// printer's Write Response), otherwise a Write Command.
    func writeRequest(_ value: [UInt8], withResponse: Bool) async throws(LinkError)
    /// Reads the Info characteristic.
    func readInfo() async throws(LinkError) -> [UInt8]
    /// Disconnects; idempotent.
    func disconnect() async
}
