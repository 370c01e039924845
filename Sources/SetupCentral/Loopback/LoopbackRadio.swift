import SetupLink
import SetupProtocol

/// An in-memory radio: printers attach with an address, centrals scan and connect through
/// ``SetupRadio``. For tests and the in-process demo; ``detach(address:)`` makes a printer vanish.
public actor LoopbackRadio: SetupRadio {
    private struct Attached {
        var peripheral: any LoopbackPeripheral
        var rssi: Int
        var connections: [LoopbackConnection]
    }

    /// The ATT MTU of every new link.
    public let mtu: Int
    /// The simulated cost of each ATT operation.
    public let operationCost: Duration
    private var printers: [String: Attached] = [:]

    /// Creates an empty radio.
    public init(mtu: Int = 247, operationCost: Duration = .zero) {
        self.mtu = mtu
        self.operationCost = operationCost
    }

    /// Makes `peripheral` discoverable at `address`.
    public func attach(_ peripheral: any LoopbackPeripheral, address: String, rssi: Int = -50) {
        printers[address] = Attached(peripheral: peripheral, rssi: rssi, connections: [])
    }

    /// The printer vanishes: it stops advertising and every link to it is dropped.
    public func detach(address: String) async {
        guard let attached = printers.removeValue(forKey: address) else { return }
        for connection in attached.connections { await connection.sever() }
    }

    /// Returns the attached printers, polling until `enough` holds or `duration` passes. Every
    /// attached printer advertises and a detached one is forgotten, so `scope` changes nothing.
    public func scan(
        for duration: Duration, scope: ScanScope, until enough: @escaping @Sendable ([DiscoveredPrinter]) -> Bool
    ) async throws(SetupError) -> [DiscoveredPrinter] {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: duration)
        while true {
            var seen: [DiscoveredPrinter] = []
            for (address, attached) in printers.sorted(by: { $0.key < $1.key }) {
                seen.append(DiscoveredPrinter(
                    address: address, name: attached.peripheral.localName, rssi: attached.rssi,
                    advertisement: await attached.peripheral.currentAdvertisement()))
            }
            if enough(seen) || clock.now >= end { return seen }
            do { try await clock.sleep(for: .milliseconds(20)) } catch { return seen }
        }
    }

    /// Opens a link to the printer at `printer.address`.
    public func connect(to printer: DiscoveredPrinter, timeout: Duration) async throws(SetupError) -> any GATTClientLink {
        guard let attached = printers[printer.address] else { throw SetupError(.printerLost, "the printer is gone") }
        let connection = LoopbackConnection(mtu: mtu, info: attached.peripheral.infoValue(), operationCost: operationCost)
        printers[printer.address]?.connections.append(connection)
        let peripheral = attached.peripheral
        Task { await peripheral.serve(connection.printer) }
        return connection.central
    }
}
