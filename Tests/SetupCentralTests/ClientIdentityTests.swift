import SetupCentral
import SetupLink
import SetupPrinter
import SetupProtocol
import Synchronization
import Testing

/// The client id travels in clear in ClientHello: one service draws a new one per connection.
@Suite struct ClientIdentityTests {
    /// A printer that records the client id of every ClientHello it receives.
    final class RecordingPrinter: LoopbackPeripheral {
        let printer: EmulatedPrinter
        let clientIDs = Mutex<[[UInt8]]>([])

        init(_ printer: EmulatedPrinter) { self.printer = printer }

        func currentAdvertisement() async -> SetupAdvertisement { await printer.currentAdvertisement() }
        var localName: String? { printer.localName }
        func infoValue() -> [UInt8] { printer.infoValue() }

        func serve(_ link: any GATTServerLink) async {
            await printer.serve(Tap(link: link, owner: self))
        }

        /// The link as the printer sees it, with each single-fragment ClientHello noted on the way.
        struct Tap: GATTServerLink {
            let link: any GATTServerLink
            let owner: RecordingPrinter

            func incomingWrites() -> AsyncStream<IncomingWrite> {
                let (stream, continuation) = AsyncStream.makeStream(of: IncomingWrite.self)
                let source = link.incomingWrites()
                let owner = owner
                Task {
                    for await write in source {
                        // A first-and-last fragment (header 0xC0...) carrying a plain ClientHello.
                        if write.value.count > 3, case .clientHello(let hello)? = try? Record.decode(Array(write.value.dropFirst(3))) {
                            owner.clientIDs.withLock { $0.append(hello.clientID) }
                        }
                        continuation.yield(write)
                    }
                    continuation.finish()
                }
                return stream
            }
            func respond(success: Bool) async { await link.respond(success: success) }
            func refuseBusy() async { await link.refuseBusy() }
            func notify(_ value: [UInt8]) async throws(LinkError) { try await link.notify(value) }
            func disconnect() async { await link.disconnect() }
        }
    }

    @Test func eachConnectionSendsAFreshClientID() async throws {
        let printer = RecordingPrinter(try await makePrinter())
        let radio = LoopbackRadio(mtu: 247)
        await radio.attach(printer, address: "02:00:00:00:00:10")
        var options = SmartSetup.Options()
        options.scanTimeout = .milliseconds(200)
        let service = SmartSetup(radio: radio, options: options)
        let target = PrinterTarget(authentication: .pin(try #require(printer.printer.presentedPIN)))
        try await service.identify(target, action: .blink)
        try await service.identify(target, action: .blink)
        let seen = printer.clientIDs.withLock { $0 }
        #expect(seen.count == 2)
        #expect(seen.allSatisfy { $0.count == 16 })
        #expect(Set(seen).count == 2, "one service sent the same client id on two connections")
    }
}
