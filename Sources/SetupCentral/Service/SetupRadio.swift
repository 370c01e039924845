import SetupLink

/// The Bluetooth side the service needs: discover printers in setup mode and connect to one.
///
/// The BlueZ adapter implements it over D-Bus; ``LoopbackRadio`` in memory.
public protocol SetupRadio: Sendable {
    /// Scans for printers in setup mode for at most `duration`, returning early once `enough`
    /// holds for the printers seen so far. Each printer appears once (latest RSSI). `scope`
    /// says whether printers the Bluetooth stack only remembers count.
    ///
    /// - Throws: `.noAdapter` or `.bluetoothOff`.
    func scan(
        for duration: Duration, scope: ScanScope, until enough: @escaping @Sendable ([DiscoveredPrinter]) -> Bool
    ) async throws(SetupError) -> [DiscoveredPrinter]
    /// Connects to `printer`, resolves its services and returns the setup service's link.
    ///
    /// - Throws: `.printerLost` when it vanished, `.timedOut` after `timeout`.
    func connect(to printer: DiscoveredPrinter, timeout: Duration) async throws(SetupError) -> any GATTClientLink
}

/// Which printers a scan returns.
public enum ScanScope: Sendable, Hashable {
    /// Printers heard advertising during the scan (or heard by a discovery still running for
    /// another client). What `scan` lists: a printer that stopped advertising is not there.
    case advertising
    /// Also printers the Bluetooth stack still remembers from an earlier discovery without a
    /// new report (bluetoothd keeps them for a while; they may have stopped advertising). What
    /// `pair` and the other requests pick from: a controller can miss the advertising reports
    /// of a printer that is there (btvirt sends one report only). Connecting to one that is gone
    /// fails with the usual `.printerLost` or `.timedOut`.
    case includingKnown
}
