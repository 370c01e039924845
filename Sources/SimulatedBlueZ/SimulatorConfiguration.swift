/// How a simulated BlueZ is set up: how many adapters, and the link parameters every connection
/// between them gets.
public struct SimulatorConfiguration: Sendable, Hashable {
    /// Number of adapters, `hci0` ... `hci(N-1)`; at least one.
    public var adapterCount: Int
    /// The ATT MTU a link negotiates, 23...517 (BlueZ offers 517; the peer's limit wins).
    public var mtu: UInt16
    /// The connection interval: every ATT operation costs at least one interval. Zero is allowed
    /// for fast tests.
    public var connectionInterval: Duration
    /// The RSSI a scanning adapter reports for every advertiser and link, in dBm.
    public var rssi: Int16
    /// The adapters' Name (and initial Alias), as bluetoothd takes it from the host name.
    public var adapterName: String
    /// bluetoothd's TemporaryTimeout: an unpaired device that is disconnected and has not been
    /// seen advertising for this long is removed (its GATT objects, then the device).
    public var temporaryTimeout: Duration

    /// A configuration; the defaults are two adapters, MTU 517, a 30 ms interval, -50 dBm and
    /// main.conf's 30 s TemporaryTimeout.
    public init(
        adapterCount: Int = 2, mtu: UInt16 = 517, connectionInterval: Duration = .milliseconds(30),
        rssi: Int16 = -50, adapterName: String = "BlueZ 5.66", temporaryTimeout: Duration = .seconds(30)
    ) {
        self.adapterCount = max(1, adapterCount)
        self.mtu = min(max(mtu, 23), 517)
        self.connectionInterval = max(connectionInterval, .zero)
        self.rssi = rssi
        self.adapterName = adapterName
        self.temporaryTimeout = max(temporaryTimeout, .zero)
    }
}
