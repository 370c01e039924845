import DBus

/// The options dictionary BlueZ passes to a local characteristic's or descriptor's
/// `ReadValue`/`WriteValue`, typed. Absent keys read as nil (BlueZ 5.66 sends `device`,
/// `link` and `mtu`, `offset` only when non-zero, and no `type` for writes).
public struct GattRequestOptions: Sendable, Hashable {
    /// The remote device making the request.
    public var device: DBusObjectPath?
    /// The link's ATT MTU.
    public var mtu: UInt16?
    /// The value offset (Read Blob / Prepare Write); 0 when absent.
    public var offset: UInt16
    /// The write type when BlueZ says ("request", "command", "reliable").
    public var type: WriteType?
    /// The link type ("LE", "BR/EDR").
    public var link: String?
    /// True for a prepared (queued) write.
    public var preparedWrite: Bool

    /// Decodes BlueZ's `a{sv}` options.
    public init(_ options: [String: DBusValue]) {
        self.device = options.objectPath("device")
        self.mtu = options.uint16("mtu")
        self.offset = options.uint16("offset") ?? 0
        self.type = options.string("type").flatMap(WriteType.init(rawValue:))
        self.link = options.string("link")
        self.preparedWrite = options.bool("prepare-authorize") ?? false
    }

    /// Options built field by field (for tests and simulations).
    public init(device: DBusObjectPath? = nil, mtu: UInt16? = nil, offset: UInt16 = 0, type: WriteType? = nil, link: String? = nil) {
        self.device = device
        self.mtu = mtu
        self.offset = offset
        self.type = type
        self.link = link
        self.preparedWrite = false
    }
}
