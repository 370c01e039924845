import SetupCentral
import SetupLab
import SetupPrinter
import SetupProtocol
import Synchronization
import Testing
import TestSupport

/// SPEC §11.4 and §2: a second central, on its own adapter, never disturbs a session in
/// progress; it gets a busy refusal (printer-refused) that costs no PIN attempt.
@Suite(.serialized, .cleansUp) struct TwoCentralsTests {
    /// A network whose join takes long enough for a second central to try meanwhile.
    static let steady = WiFiNetwork(
        ssid: "Steady", security: "wpa2-psk", passphrase: "steady as she goes", rssi: -50, channel: 6, band: "2.4",
        joinTimeMs: 2_500, address: "192.168.1.77/24")

    /// The printer's log and display lines.
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        func withLock<T>(_ body: ([String]) -> T) -> T { lines.withLock { body($0) } }
    }

    /// A lab with one printer joining only `steady`, `extra` more central adapters (hci2 ...), and
    /// the printer's display lines.
    static func startLab(extra: Int) async throws -> (SimulatedPrinterLab, Lines) {
        let bus = try await PrivateBus.start()
        let lines = Lines()
        let lab = try await SimulatedPrinterLab.start(
            printers: 1, freeAdapters: 1 + extra, mtu: 247, interval: .milliseconds(2), bus: bus.address,
            configuration: { _ in testPrinterConfiguration(networks: NetworkTable(networks: [steady])) },
            output: { line in lines.append(line) })
        try CleanupScope.atEnd(of: "a lab") { await lab.stop() }
        return (lab, lines)
    }

    static func service(_ lab: SimulatedPrinterLab, adapter: String) async throws -> SmartSetup {
        var options = SmartSetup.Options()
        options.scanTimeout = .seconds(3)
        options.eventTimeout = .seconds(15)
        return SmartSetup(radio: try await lab.centralRadio(adapter: adapter), options: options)
    }

    static func steadyCredentials() throws -> WiFiCredentials {
        try WiFiCredentials(ssid: Array("Steady".utf8), security: .wpa2PSK, passphrase: try WiFiPassphrase("steady as she goes"))
    }

    /// Pairs from `first`; once the printer is busy with it, pairs from each of `others` with
    /// the same (right) PIN. Returns whether the first succeeded and how the others ended.
    static func round(
        lab: SimulatedPrinterLab, first: SmartSetup, others: [SmartSetup]
    ) async throws -> (firstSucceeded: Bool, refusals: [SetupError.Kind?], firstError: String?) {
        let target = try target(lab.printers[0])
        let request = PairRequest(target: target, credentials: try steadyCredentials())
        // The previous round's session has ended: the busy flag seen next is the first central's.
        try await eventually("the printer idle", within: .seconds(10)) { await !lab.printers[0].currentAdvertisement().isBusy }
        let pairing = Task { () -> String? in
            do throws(SetupError) {
                _ = try await first.pair(request)
                return nil
            } catch {
                return "\(error.kind): \(error.message)"
            }
        }
        try await eventually("the printer busy with the first central", within: .seconds(10)) { await lab.printers[0].currentAdvertisement().isBusy }
        var refusals: [SetupError.Kind?] = []
        for other in others {
            do throws(SetupError) {
                _ = try await other.pair(request)
                refusals.append(nil)
            } catch {
                refusals.append(error.kind)
            }
        }
        let firstError = await pairing.value
        return (firstError == nil, refusals, firstError)
    }

    @Test func aSecondCentralOnAnotherAdapterIsRefusedBusyTenRoundsNoAttemptSpent() async throws {
        let (lab, lines) = try await Self.startLab(extra: 1)
        let first = try await Self.service(lab, adapter: "hci0")
        let second = try await Self.service(lab, adapter: "hci2")
        let pin = lab.printers[0].presentedPIN
        var successes = 0
        var busyRefusals = 0
        var failures: [String] = []
        for round in 0..<10 {
            let (succeeded, refusals, firstError) = try await Self.round(lab: lab, first: first, others: [second])
            if succeeded { successes += 1 } else { failures.append("round \(round): first: \(firstError ?? "")") }
            if refusals == [.printerRefused(.busy)] { busyRefusals += 1 } else { failures.append("round \(round): second: \(refusals)")}
        }
        let wrongPIN = lines.withLock { $0.filter { $0.contains("wrong PIN") || $0.contains("rotated") }.count }
        // The figure of issue 10 ("Done when"): printed so that the test output records it.
        print("two centrals, right PIN, 10 rounds: \(successes) successes for the first, \(busyRefusals) busy refusals for the second, \(wrongPIN) attempts counted")
        #expect(successes == 10, "\(failures)")
        #expect(busyRefusals == 10, "\(failures)")
        #expect(wrongPIN == 0)
        #expect(lab.printers[0].presentedPIN == pin)
    }

    @Test func threeCentralsOnThreeAdaptersOneSessionTwoBusyRefusals() async throws {
        let (lab, lines) = try await Self.startLab(extra: 2)
        let first = try await Self.service(lab, adapter: "hci0")
        let others = [try await Self.service(lab, adapter: "hci2"), try await Self.service(lab, adapter: "hci3")]
        let (succeeded, refusals, firstError) = try await Self.round(lab: lab, first: first, others: others)
        #expect(succeeded, "\(firstError ?? "")")
        #expect(refusals == [.printerRefused(.busy), .printerRefused(.busy)])
        #expect(lines.withLock { $0.filter { $0.contains("wrong PIN") }.isEmpty })
        // Issue 10 E: the printer's log says which central and which MTU.
        #expect(lines.withLock { $0.contains { $0.contains("] central ") && $0.contains(" (MTU 247): client authenticated") } }, "\(lines.withLock { $0 })")
    }

    @Test func aSecondCentralWithAWrongPINIsRefusedBusyAndSpendsNothing() async throws {
        let (lab, lines) = try await Self.startLab(extra: 1)
        let first = try await Self.service(lab, adapter: "hci0")
        let second = try await Self.service(lab, adapter: "hci2")
        let target = try target(lab.printers[0])
        let pairing = Task { () throws -> PairResult in try await first.pair(PairRequest(target: target, credentials: try Self.steadyCredentials())) }
        try await eventually("the printer busy with the first central", within: .seconds(10)) { await lab.printers[0].currentAdvertisement().isBusy }
        var wrong = target
        wrong.authentication = .pin(wrongPIN(not: lab.printers[0].presentedPIN))
        let request = PairRequest(target: wrong, credentials: try Self.steadyCredentials())
        do throws(SetupError) {
            _ = try await second.pair(request)
            Issue.record("the second central paired")
        } catch {
            #expect(error.kind == .printerRefused(.busy))
        }
        _ = try await pairing.value
        #expect(lines.withLock { $0.filter { $0.contains("wrong PIN") }.isEmpty })
    }
}
