import PrinterEmulator
import SetupProtocol
import SmartSetup
import Synchronization
import Testing

/// The service and the emulator talking through the simulated BlueZ over D-Bus: BlueZ client
/// library on both sides, a private dbus-daemon per test.
@Suite(.serialized) struct ServiceOverSimulatorTests {
    @Test(arguments: [23, 247])
    func happyPath(mtu: Int) async throws {
        let lab = try await startLab(mtu: mtu)
        let result = try await service(lab).pair(PairRequest(target: try target(lab.printers[0]), credentials: try credentials()))
        #expect(result.address.description == "192.168.1.57/24")
        #expect(result.mtu == mtu)
        #expect(result.untilAccepted.roundTrips == 2)
        await lab.stop()
    }

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

    @Test func wrongPINThenRightPIN() async throws {
        let lab = try await startLab()
        let printer = lab.printers[0]
        let pin = try #require(printer.presentedPIN)
        let asked = Mutex(0)
        let target = PrinterTarget(authentication: .ask { _ in asked.withLock { $0 += 1; return $0 } == 1 ? wrongPIN(not: pin) : pin })
        let result = try await service(lab).pair(PairRequest(target: target, credentials: try credentials()))
        #expect(result.address.description == "192.168.1.57/24")
        #expect(asked.withLock { $0 } == 2)
        await lab.stop()
    }

    @Test func lockOutAfterThreeWrongPINs() async throws {
        let lab = try await startLab()
        let wrong = wrongPIN(not: lab.printers[0].presentedPIN)
        let error = await #expect(throws: SetupError.self) {
            try await service(lab).pair(PairRequest(target: PrinterTarget(authentication: .ask { _ in wrong }), credentials: try credentials()))
        }
        #expect(error?.kind == .pinLockedOut(retryAfterSeconds: 30))
        await lab.stop()
    }

    @Test func buttonMode() async throws {
        let lab = try await startLab(auth: .button)
        let result = try await service(lab).pair(PairRequest(target: PrinterTarget(authentication: .button), credentials: try credentials()))
        #expect(result.address.description == "192.168.1.57/24")
        await lab.stop()
    }

    @Test func wrongPassphraseThenCorrectedInTheSameSession() async throws {
        let lab = try await startLab()
        let request = PairRequest(
            target: try target(lab.printers[0]), credentials: try credentials(passphrase: "not the passphrase"),
            correctedPassphrase: { try? WiFiPassphrase("correct horse battery") })
        let result = try await service(lab).pair(request)
        #expect(result.address.description == "192.168.1.57/24")
        #expect(result.total.roundTrips == 3)
        await lab.stop()
    }

    @Test func networkNotFound() async throws {
        let lab = try await startLab()
        let error = await #expect(throws: SetupError.self) {
            try await service(lab).pair(PairRequest(target: try target(lab.printers[0]), credentials: try credentials(ssid: "Nowhere")))
        }
        #expect(error?.kind == .networkNotFound)
        await lab.stop()
    }

    @Test func staticIP() async throws {
        let lab = try await startLab()
        let address = try IPv4Interface(address: IPv4Address(10, 1, 2, 3), prefixLength: 24)
        let fixed = try StaticIPv4(interface: address, gateway: IPv4Address(10, 1, 2, 1), dnsServers: [IPv4Address(10, 1, 2, 1)])
        let result = try await service(lab).pair(PairRequest(
            target: try target(lab.printers[0]), credentials: try credentials(ssid: "StaticOnly", passphrase: "static only net", staticIPv4: fixed)))
        #expect(result.address == address)
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

    @Test func printerVanishingMidFlowIsPrinterLost() async throws {
        let lab = try await startLab()
        let service = try await service(lab)
        let request = PairRequest(target: try target(lab.printers[0]), credentials: try credentials(ssid: "Slow", passphrase: "slow access point"))
        let faults = lab.simulator.faults
        let address = Mutex<String?>(nil)
        let error = await #expect(throws: SetupError.self) {
            try await service.pair(request) { step in
                if case .selected(let printer) = step { address.withLock { $0 = printer.address } }
                if case .credentialsAccepted = step, let printerAddress = address.withLock({ $0 }) {
                    Task { await faults.disconnect(address: printerAddress) }
                }
            }
        }
        #expect(error?.kind == .printerLost)
        await lab.stop()
    }
}
