/// The central's view of one connected printer's setup service, as the session drivers need it.
///
/// BlueZ adapters conform by mapping each call to the Request, Events and Info characteristics
/// (SPEC §17); ``LoopbackConnection`` conforms in memory.
public protocol GATTClientLink: Sendable {
    /// The ATT MTU of the link (BlueZ: the Request characteristic's `MTU` property; 23 when unknown).
    func mtu() async -> Int
    /// Subscribes to Events notifications and enables them, in that order, so that none is missed.
    ///
    /// The stream is the transport's own (no task re-streams it): it yields each notification
    /// value in order and ends when the link is lost, throwing the transport's error (a
    /// ``LinkError``, or the BlueZ layer's error) that says why, or normally once ``disconnect()``
    /// closed the link.
    func subscribeToEvents() async throws(LinkError) -> AsyncThrowingStream<[UInt8], any Error>
    /// Writes one fragment to Request: a Write Request when `withResponse` (returns after the
    /// printer's Write Response), otherwise a Write Command.
    func writeRequest(_ value: [UInt8], withResponse: Bool) async throws(LinkError)
    /// Reads the Info characteristic.
    func readInfo() async throws(LinkError) -> [UInt8]
    /// Disconnects; idempotent.
    func disconnect() async
}
