/// One write the printer received on its Request characteristic.
public struct IncomingWrite: Sendable {
    /// The fragment.
    public var value: [UInt8]
    /// The MTU the GATT server reported with the write (BlueZ's `mtu` option; 23 when absent).
    public var mtu: Int
    /// True when the link waits for an answer through ``GATTServerLink/respond(success:)``: for
    /// a Write Request, and over BlueZ for every write, because bluetoothd 5.66 does not tell a
    /// GATT server whether a Request or a Command carried it (its WriteValue has no `type`); it
    /// sends the answer to a Request as the Write Response and drops the one to a Command.
    /// False only for a write known to be a Write Command (the loopback link).
    public var withResponse: Bool

    /// Creates a write.
    public init(value: [UInt8], mtu: Int, withResponse: Bool) {
        self.value = value
        self.mtu = mtu
        self.withResponse = withResponse
    }
}

/// The printer's view of one central connected to its setup service.
///
/// BlueZ adapters conform through the peripheral API (WriteValue handlers on Request,
/// PropertiesChanged on Events); ``LoopbackConnection`` conforms in memory.
public protocol GATTServerLink: Sendable {
    /// The writes on Request, in order; finishes when the central disconnects.
    func incomingWrites() -> AsyncStream<IncomingWrite>
    /// Answers the Write Request received last: success, or an ATT error response.
    func respond(success: Bool) async
    /// Answers the Write Request received last with the busy refusal (SPEC §11.4): over BlueZ
    /// `org.bluez.Error.NotAuthorized`, which bluetoothd sends as ATT error 0x08 to that central only.
    func refuseBusy() async
    /// Sends one notification on Events.
    func notify(_ value: [UInt8]) async throws(LinkError)
    /// Disconnects the central; idempotent.
    func disconnect() async
    /// The central, for the printer's log (e.g. its address); never a secret.
    var centralName: String { get }
}

extension GATTServerLink {
    /// A link that cannot name its central.
    public var centralName: String { "a central" }
}
