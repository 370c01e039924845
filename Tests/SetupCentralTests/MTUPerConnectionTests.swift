import SetupCentral
import SetupLink
import SetupPrinter
import SetupProtocol
import Testing
import TestSupport

/// SPEC §3 (issue 10 item 1): each side keeps one MTU per connection. A printer serving a
/// central at MTU 517 and, at the same time, another at MTU 23 fragments each one's
/// notifications for that connection (the MTU-23 central would reject a 514-octet fragment as
/// `fragmentTooLarge`), and no attempt is counted for a fragment either side could not take.
@Suite struct MTUPerConnectionTests {
    func open(_ printer: EmulatedPrinter, mtu: Int) async throws -> (CentralDriver, Task<Void, Never>) {
        let connection = LoopbackConnection(mtu: mtu, info: printer.infoValue())
        let serving = Task { await printer.serve(connection.printer) }
        let configuration = try CentralConfiguration(advertisement: await printer.currentAdvertisement(), clientID: Array(repeating: 7, count: 16))
        return (try await CentralDriver.open(link: connection.central, configuration: configuration), serving)
    }

    @Test func twoConnectionsWithDifferentMTUsEachGetTheirOwnFragmentSize() async throws {
        let printer = try await makePrinter()
        let pin = try #require(printer.presentedPIN)
        let (large, largeServing) = try await open(printer, mtu: 517)
        defer { largeServing.cancel() }
        // The MTU-517 connection writes first (the printer sees mtu 517 on a WriteValue), fails
        // an attempt, and stays connected.
        try await large.startHandshake(.pin(wrongPIN(not: pin)))
        #expect(try await large.nextEvent(within: eventDeadline) == .authenticationFailed(attemptsLeft: 2))
        let (small, smallServing) = try await open(printer, mtu: 23)
        defer { smallServing.cancel() }
        try await small.startHandshake(.pin(pin), firstRequest: .identify(.blink))
        #expect(try await small.nextEvent(within: eventDeadline) == .authenticated)
        #expect(try await small.nextEvent(within: eventDeadline) == .identified)
        // ServerHello and the answers reached the MTU-23 central in 20-octet fragments.
        #expect(await small.statistics.notifications > 4)
        await small.close()
        await large.close()
    }
}
