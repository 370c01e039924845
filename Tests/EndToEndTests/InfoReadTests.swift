import SetupCentral
import SetupLab
import SetupProtocol
import Testing
import TestSupport

/// SPEC §5.2: Info is read whole at any MTU; at MTU 23 bluetoothd reads it with Read Blob
/// requests whose offsets the printer's GATT application must honour (issue 10 item 2).
@Suite(.serialized, .cleansUp) struct InfoReadTests {
    @Test(arguments: [23, 517])
    func infoReadsWholeThroughTheSimulatedBlueZ(mtu: Int) async throws {
        let lab = try await startLab(mtu: mtu)
        let radio = try await lab.centralRadio()
        let found = try await radio.scan(for: .seconds(3), scope: .advertising) { !$0.isEmpty }
        let link = try await radio.connect(to: try #require(found.first), timeout: .seconds(10))
        let info = try await link.readInfo()
        await link.disconnect()
        #expect(info == lab.printers[0].infoValue())
        #expect(try PublicInfo(decoding: info).shortID == lab.printers[0].configuration.shortID)
    }
}

/// SPEC §8.8: after ResetNetwork the printer is in a clean setup mode: not provisioned in its
/// advertisement, with a new PIN (issue 10 item 4).
@Suite(.serialized, .cleansUp) struct ResetNetworkTests {
    @Test func resetBringsBackACleanSetupMode() async throws {
        let lab = try await startLab()
        let service = try await service(lab)
        let printer = lab.printers[0]
        _ = try await service.pair(PairRequest(target: try target(printer), credentials: try credentials()))
        try await eventually("provisioned in the advertisement") { try await service.scan().first?.advertisement.isProvisioned == true }
        let before = try #require(printer.presentedPIN)
        try await service.reset(try target(printer))
        try await eventually("not provisioned after the reset", within: .seconds(10)) {
            let advertisement = try await service.scan().first?.advertisement
            return advertisement?.isProvisioned == false && advertisement?.isBusy == false
        }
        #expect(!printer.isProvisioned)
        let after = try #require(printer.presentedPIN)
        #expect(after != before)
        // The new PIN pairs.
        _ = try await service.pair(PairRequest(target: try target(printer), credentials: try credentials()))
    }
}

/// SPEC §12: a central that connects and never sends ClientHello is told Error(timedOut) and
/// disconnected after 30 s (issue 10 item 3).
@Suite(.serialized, .cleansUp) struct IdleConnectionTests {
    @Test func anIdleCentralIsToldTimedOutAndDisconnected() async throws {
        let lab = try await startLab()
        let radio = try await lab.centralRadio()
        let found = try await radio.scan(for: .seconds(3), scope: .advertising) { !$0.isEmpty }
        let start = ContinuousClock.now
        let link = try await radio.connect(to: try #require(found.first), timeout: .seconds(10))
        let notifications = try await link.subscribeToEvents()
        // Everything notified until the link ends, or nil after 45 s (no hang).
        let received = await withTaskGroup(of: [[UInt8]]?.self) { group in
            group.addTask {
                var values: [[UInt8]] = []
                do { for try await value in notifications { values.append(value) } } catch {}
                return values
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(45))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        let elapsed = ContinuousClock.now - start
        // One notification, Error(timedOut), then the link ended (the printer disconnected).
        #expect(received == [[0xc0, 0x00, 0x05, 0x0f, 0x81, 0x00, 0x01, 0x0b]])
        #expect(elapsed >= .seconds(29) && elapsed < .seconds(40), "\(elapsed)")
        await link.disconnect()
    }
}
