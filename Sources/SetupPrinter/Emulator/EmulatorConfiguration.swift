import SetupProtocol

/// Everything that makes one emulated printer.
public struct EmulatorConfiguration: Sendable {
    /// The BlueZ adapter it advertises on ("hci1"), for the BlueZ host.
    public var adapter: String
    /// How the owner proves presence: PIN on the display, PIN on a printed page, or button.
    public var authMethod: AuthMethod
    /// Model name (DeviceInfo, Info characteristic).
    public var model: String
    /// Serial number.
    public var serial: String
    /// Firmware version.
    public var firmware: String
    /// Wi-Fi MAC address (six octets).
    public var macAddress: [UInt8]
    /// The name in the scan response.
    public var name: String
    /// The short id shown next to the PIN.
    public var shortID: ShortID
    /// The device class advertised.
    public var deviceClass: DeviceClass
    /// The networks around the printer.
    public var networks: NetworkTable
    /// Where the "printed" network configuration page goes in printed-PIN mode.
    public var pagePath: String?
    /// Whether the printer's Wi-Fi supports WPA3.
    public var supportsWPA3: Bool
    /// The printer's join deadline.
    public var joinTimeout: Duration

    /// A configuration with defaults derived from `shortID`.
    public init(
        shortID: ShortID, authMethod: AuthMethod = .displayedPIN, adapter: String = "hci1", model: String = "SmartSetup Emulated Printer",
        name: String? = nil, networks: NetworkTable = .builtIn, pagePath: String? = nil
    ) {
        self.adapter = adapter
        self.authMethod = authMethod
        self.model = model
        self.serial = "EMU-\(shortID)"
        self.firmware = "1.0.0"
        self.macAddress = [0x02, 0x5E, 0x75, 0x00, UInt8(shortID.value >> 8), UInt8(shortID.value & 0xFF)]
        self.name = name ?? "Printer-\(shortID)"
        self.shortID = shortID
        self.deviceClass = .printer
        self.networks = networks
        self.pagePath = pagePath
        self.supportsWPA3 = true
        self.joinTimeout = .seconds(85)
    }
}
