import SetupProtocol

/// A printer in setup mode seen while scanning.
public struct DiscoveredPrinter: Hashable, Sendable {
    /// Its Bluetooth address as BlueZ spells it ("AA:BB:CC:DD:EE:FF").
    public var address: String
    /// Its name from the scan response, if any.
    public var name: String?
    /// Received signal strength in dBm, if known.
    public var rssi: Int?
    /// The decoded setup advertisement (short id, auth method, busy, device class).
    public var advertisement: SetupAdvertisement

    /// Creates a discovery.
    public init(address: String, name: String?, rssi: Int?, advertisement: SetupAdvertisement) {
        self.address = address
        self.name = name
        self.rssi = rssi
        self.advertisement = advertisement
    }

    /// The short id as the printer shows it ("3F0A").
    public var shortID: String { advertisement.shortID.description }
}

/// How the user picks a printer: by short id, Bluetooth address or name.
public struct PrinterSelector: Hashable, Sendable, CustomStringConvertible {
    /// What the user typed.
    public var text: String

    /// Wraps a choice.
    public init(_ text: String) { self.text = text }

    /// Whether `printer` matches: its short id (any case), its address (any case), or its name exactly.
    public func matches(_ printer: DiscoveredPrinter) -> Bool {
        if let id = ShortID(hexDigits: text), id == printer.advertisement.shortID { return true }
        if printer.address.lowercased() == text.lowercased() { return true }
        return printer.name == text
    }

    /// The text.
    public var description: String { text }
}
