import SetupCentral
import SetupProtocol
import Testing
import TestSupport

/// The service and emulated printers through the simulated BlueZ over D-Bus, for what needs
/// the simulator (several printers, re-advertising on demand); what also holds on real
/// bluetoothd is in ``ServiceOverBlueZTests``.
@Suite(.serialized, .cleansUp) struct ServiceOverSimulatorTests {
    @Test func theAdvertisementFollowsProvisioning() async throws {
        let lab = try await startLab()
        let service = try await service(lab)
        let before = try await service.scan()
        #expect(before.first?.advertisement.isProvisioned == false)
        _ = try await service.pair(PairRequest(target: try target(lab.printers[0]), credentials: try credentials()))
        var provisioned = false
        for _ in 0..<50 where !provisioned {
            provisioned = try await service.scan().first?.advertisement.isProvisioned == true
            if !provisioned { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(provisioned)
        await lab.stop()
    }

    @Test func thePrinterIsBackOnTheFirstTryAfterBluetoothdRestarts() async throws {
        let lab = try await startLab()
        try await lab.simulator.faults.restartBluetoothd()
        // Straight away, as a kiosk retries: the printer host registers again by itself.
        let result = try await service(lab).pair(PairRequest(target: try target(lab.printers[0]), credentials: try credentials()))
        #expect(result.printer.shortID == "3F0A")
        #expect(lab.printers[0].isProvisioned)
        await lab.stop()
    }

    @Test func thePrinterIsBackOnTheFirstTryAfterItsAdapterIsPluggedInAgain() async throws {
        let lab = try await startLab()
        #expect(await lab.simulator.faults.removeAdapter(1))
        #expect(lab.simulator.faults.addAdapter(1))
        #expect(!lab.simulator.faults.addAdapter(1))
        let result = try await service(lab).pair(PairRequest(target: try target(lab.printers[0]), credentials: try credentials()))
        #expect(result.printer.shortID == "3F0A")
        await lab.stop()
    }

    @Test func twoPrintersOnePickedByShortID() async throws {
        let lab = try await startLab(printers: 2)
        let result = try await service(lab).pair(PairRequest(target: try target(lab.printers[1]), credentials: try credentials()))
        #expect(result.printer.shortID == "3F0B")
        #expect(lab.printers[1].isProvisioned)
        #expect(!lab.printers[0].isProvisioned)
        await lab.stop()
    }

    @Test func eightPrintersInParallelFromOneProcess() async throws {
        let lab = try await startLab(printers: 8)
        let service = try await service(lab)
        let targets = try lab.printers.map(target)
        let paired = try await withThrowingTaskGroup(of: String.self) { group in
            for target in targets {
                group.addTask { try await service.pair(PairRequest(target: target, credentials: try credentials())).printer.shortID }
            }
            var ids: Set<String> = []
            for try await id in group { ids.insert(id) }
            return ids
        }
        #expect(paired.count == 8)
        #expect(lab.printers.allSatisfy { $0.isProvisioned })
        await lab.stop()
    }
}
