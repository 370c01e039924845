/// The Bluetooth side the service needs: discover printers in setup mode and connect to one.
///
/// The BlueZ adapter implements it over D-Bus; ``LoopbackRadio`` in memory.
public protocol SetupRadio: Sendable {
    /// Scans for printers in setup mode for at most `duration`, returning early once `enough`
    /// holds for the printers seen so far. Each printer appears once (latest RSSI).
    ///
    /// - Throws: `.noAdapter` or `.bluetoothOff`.
    func scan(for duration: Duration, until enough: @escaping @Sendable ([DiscoveredPrinter]) -> Bool) async throws(SetupError) -> [DiscoveredPrinter]
    /// Connects to `printer`, resolves its services and returns the setup service's link.
    ///
    /// - Throws: `.printerLost` when it vanished, `.timedOut` after `timeout`.
    func connect(to printer: DiscoveredPrinter, timeout: Duration) async throws(SetupError) -> any GATTClientLink
}
