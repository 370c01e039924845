import SetupCentral
import SetupProtocol
import Synchronization
import Testing
import TestSupport

/// The service and one emulated printer through BlueZ over D-Bus, the BlueZ client library on
/// both sides: against the simulated BlueZ in `swift test`, and against a real bluetoothd with
/// virtual controllers in the VM tier (``Backend``). Only what holds for both lives here.
@Suite(.serialized, .cleansUp, .timeLimit(.minutes(3))) struct ServiceOverBlueZTests {
    @Test(arguments: Backend.everyMTU)
    func happyPath(backend: Backend) async throws {
        let bench = try await TestBench.start(backend)
        let result = try await bench.service().pair(PairRequest(target: try target(bench.printer), credentials: try credentials()))
        #expect(result.address.description == "192.168.1.57/24")
        if let mtu = backend.mtu { #expect(result.mtu == mtu) } else { #expect(result.mtu > 23) }
        #expect(result.untilAccepted.roundTrips == 3)
        #expect(bench.printer.isProvisioned)
        await bench.stop()
    }

    @Test(arguments: Backend.selected)
    func wrongPINThenRightPIN(backend: Backend) async throws {
        let bench = try await TestBench.start(backend)
        let pin = try #require(bench.printer.presentedPIN)
        let asked = Mutex(0)
        let target = PrinterTarget(authentication: .ask { _ in asked.withLock { $0 += 1; return $0 } == 1 ? wrongPIN(not: pin) : pin })
        let result = try await bench.service().pair(PairRequest(target: target, credentials: try credentials()))
        #expect(result.address.description == "192.168.1.57/24")
        #expect(asked.withLock { $0 } == 2)
        await bench.stop()
    }

    @Test(arguments: Backend.selected)
    func lockOutAfterThreeWrongPINs(backend: Backend) async throws {
        let bench = try await TestBench.start(backend)
        let wrong = wrongPIN(not: bench.printer.presentedPIN)
        let error = await #expect(throws: SetupError.self) {
            try await bench.service().pair(PairRequest(target: PrinterTarget(authentication: .ask { _ in wrong }), credentials: try credentials()))
        }
        #expect(error?.kind == .pinLockedOut(retryAfterSeconds: 30))
        #expect(!bench.printer.isProvisioned)
        await bench.stop()
    }

    @Test(arguments: Backend.selected)
    func buttonMode(backend: Backend) async throws {
        let bench = try await TestBench.start(backend, auth: .button)
        let result = try await bench.service().pair(PairRequest(target: PrinterTarget(authentication: .button), credentials: try credentials()))
        #expect(result.address.description == "192.168.1.57/24")
        await bench.stop()
    }

    @Test(arguments: Backend.selected)
    func wrongPassphraseThenCorrectedInTheSameSession(backend: Backend) async throws {
        let bench = try await TestBench.start(backend)
        let request = PairRequest(
            target: try target(bench.printer), credentials: try credentials(passphrase: "not the passphrase"),
            correctedPassphrase: { try? WiFiPassphrase("correct horse battery") })
        let result = try await bench.service().pair(request)
        #expect(result.address.description == "192.168.1.57/24")
        #expect(result.total.roundTrips == 4, "CCC write, ClientHello, ClientFinish, corrected SetCredentials (SPEC §3, §14.4)")
        await bench.stop()
    }

    @Test(arguments: Backend.selected)
    func networkNotFound(backend: Backend) async throws {
        let bench = try await TestBench.start(backend)
        let error = await #expect(throws: SetupError.self) {
            try await bench.service().pair(PairRequest(target: try target(bench.printer), credentials: try credentials(ssid: "Nowhere")))
        }
        #expect(error?.kind == .networkNotFound)
        await bench.stop()
    }

    @Test(arguments: Backend.selected)
    func staticIP(backend: Backend) async throws {
        let bench = try await TestBench.start(backend)
        let address = try IPv4Interface(address: IPv4Address(10, 1, 2, 3), prefixLength: 24)
        let fixed = try StaticIPv4(interface: address, gateway: IPv4Address(10, 1, 2, 1), dnsServers: [IPv4Address(10, 1, 2, 1)])
        let result = try await bench.service().pair(PairRequest(
            target: try target(bench.printer), credentials: try credentials(ssid: "StaticOnly", passphrase: "static only net", staticIPv4: fixed)))
        #expect(result.address == address)
        await bench.stop()
    }

    @Test(arguments: Backend.selected)
    func printerDroppingTheLinkMidFlowIsPrinterLost(backend: Backend) async throws {
        let bench = try await TestBench.start(backend)
        let request = PairRequest(target: try target(bench.printer), credentials: try credentials(ssid: "Slow", passphrase: "slow access point"))
        let address = Mutex<String?>(nil)
        let dropLink = bench.dropLink
        let error = await #expect(throws: SetupError.self) {
            try await bench.service().pair(request) { step in
                if case .selected(let printer) = step { address.withLock { $0 = printer.address } }
                if case .credentialsAccepted = step, let printerAddress = address.withLock({ $0 }) {
                    Task { try await dropLink(printerAddress) }
                }
            }
        }
        #expect(error?.kind == .printerLost)
        await bench.stop()
    }
}
