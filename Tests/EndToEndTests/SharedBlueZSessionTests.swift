import DBus
import SetupCentral
import SetupLab
import Testing
import TestSupport

/// Radios of two adapters on one `BlueZSession` (what `serve` does: one connection for all its
/// adapters), over the simulated BlueZ.
@Suite(.cleansUp) struct SharedBlueZSessionTests {
    @Test func twoAdaptersShareOneSessionAndBothPair() async throws {
        let bus = try await PrivateBus.start()
        let lab = try await SimulatedPrinterLab.start(
            printers: 2, freeAdapters: 2, mtu: 247, interval: .milliseconds(2), bus: bus.address,
            configuration: { index in testPrinterConfiguration(shortID: UInt16(0x3F0A + index), networks: TestNetworks.lab) },
            output: { _ in })
        try CleanupScope.atEnd(of: "a lab") { await lab.stop() }
        let session = try await BlueZRadio.openSession(bus: .address(lab.busAddress))
        let second = try #require(lab.freeAdapters.last)
        let radios = [try BlueZRadio.radio(adapter: "hci0", session: session), try BlueZRadio.radio(adapter: second, session: session)]
        #expect(radios.map(\.adapter.name) == ["hci0", second])
        #expect(radios.allSatisfy { $0.adapter.session === session })

        // Both pair at once, each its own printer, over the one connection.
        let options = { () -> SmartSetup.Options in
            var options = SmartSetup.Options()
            options.scanTimeout = .seconds(5)
            return options
        }()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, radio) in radios.enumerated() {
                let request = PairRequest(target: try target(lab.printers[index]), credentials: try credentials())
                group.addTask {
                    let result = try await SmartSetup(radio: radio, options: options).pair(request)
                    #expect(result.address.description == "192.168.1.57/24")
                }
            }
            try await group.waitForAll()
        }

        do throws(SetupError) {
            _ = try BlueZRadio.radio(adapter: "hci9", session: session)
            Issue.record("a missing adapter gave a radio")
        } catch {
            #expect(error.kind == .noAdapter)
        }
    }
}
