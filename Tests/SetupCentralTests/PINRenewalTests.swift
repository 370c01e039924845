import SetupCentral
import SetupLink
import SetupPrinter
import SetupProtocol
import Synchronization
import Testing
import TestSupport

/// A ``SessionClock`` the test moves by hand; sleepers poll it every millisecond.
final class ManualSessionClock: SessionClock {
    private let current = Mutex(MonotonicInstant(milliseconds: 0))

    func now() -> MonotonicInstant { current.withLock { $0 } }

    func sleep(until deadline: MonotonicInstant) async throws {
        while now() < deadline { try await Task.sleep(for: .milliseconds(1)) }
    }

    func advance(seconds: UInt64) { current.withLock { $0 = $0.adding(seconds: seconds) } }
}

/// SPEC §11.1 (issue 10 item 5): a printer that renews an expired PIN by itself waits
/// `pinRenewalDelay` first, so that `pinExpired` and `noActivePIN` are observable and a client
/// still holding the old PIN spends none of the new PIN's attempts.
@Suite struct PINRenewalTests {
    @Test func anExpiredPINIsAnsweredPinExpiredThenNoActivePINUntilTheNewPINIsShown() async throws {
        let clock = ManualSessionClock()
        let printer = try EmulatedPrinter(
            configuration: testPrinterConfiguration(networks: TestNetworks.all), keyLog: nil, clock: clock, output: { _ in })
        await printer.start()
        let old = try #require(printer.presentedPIN)
        let connection = LoopbackConnection(mtu: 247, info: printer.infoValue())
        let serving = Task { await printer.serve(connection.printer) }
        defer { serving.cancel() }
        let configuration = try CentralConfiguration(advertisement: await printer.currentAdvertisement(), clientID: Array(repeating: 7, count: 16))
        let central = try await CentralDriver.open(link: connection.central, configuration: configuration)

        clock.advance(seconds: ProtocolTimeouts.pinLifetime + 1)
        try await eventually("the display cleared") { printer.presentedPIN == nil }
        for expected in [WireErrorCode.pinExpired, .noActivePIN] {
            try await central.startHandshake(.pin(old))
            let event = try await central.nextEvent(within: eventDeadline)
            guard case .attemptRefused(let report) = event else {
                Issue.record("expected a refusal, got \(event)")
                return
            }
            #expect(report.code == expected)
        }

        clock.advance(seconds: ProtocolTimeouts.pinRenewalDelay)
        try await eventually("the new PIN") { printer.presentedPIN != nil }
        let new = try #require(printer.presentedPIN)
        #expect(new != old)
        // Nothing was spent: the old PIN's late attempt now is a wrong PIN with 2 of 3 left.
        try await central.startHandshake(.pin(old))
        #expect(try await central.nextEvent(within: eventDeadline) == .authenticationFailed(attemptsLeft: 2))
        try await central.startHandshake(.pin(new))
        #expect(try await central.nextEvent(within: eventDeadline) == .authenticated)
        await central.close()
    }
}
