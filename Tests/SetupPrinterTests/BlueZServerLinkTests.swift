import BlueZ
@testable import SetupPrinter
import SetupLink
import Synchronization
import Testing

/// The emulator's side of a BlueZ link: bluetoothd 5.66 calls WriteValue without a `type`
/// option and does not wait for a Write Command's reply before relaying the next write, so
/// several writes can wait for the session's answers at once.
@Suite struct BlueZServerLinkTests {
    @Test func overlappingWritesAreAnsweredInOrder() async throws {
        let link = BlueZServerLink(device: nil, events: LocalCharacteristic(uuid: "2a00", flags: ["notify"]))
        var writes = link.incomingWrites().makeAsyncIterator()
        let answers = Answers()
        answers.deliver([1], on: link)
        #expect(await writes.next()?.value == [1])
        answers.deliver([2], on: link)
        #expect(await writes.next()?.value == [2])
        await link.respond(success: true)
        await link.respond(success: false)
        #expect(await answers.wait(for: 2) == [1: true, 2: false])
    }

    @Test func closingAnswersEveryWaitingWriteWithAFailure() async throws {
        let link = BlueZServerLink(device: nil, events: LocalCharacteristic(uuid: "2a00", flags: ["notify"]))
        var writes = link.incomingWrites().makeAsyncIterator()
        let answers = Answers()
        answers.deliver([1], on: link)
        _ = await writes.next()
        answers.deliver([2], on: link)
        _ = await writes.next()
        await link.close()
        #expect(await answers.wait(for: 2) == [1: false, 2: false])
        #expect(await writes.next()?.value == nil)
    }
}

/// What each delivered write's WriteValue call answered (true: success), by its first byte.
private final class Answers: Sendable {
    private let answers = Mutex<[UInt8: Bool]>([:])

    /// Delivers `value` as a write waiting for its answer, in a task of its own.
    func deliver(_ value: [UInt8], on link: BlueZServerLink) {
        Task {
            var success = true
            do { try await link.deliver(IncomingWrite(value: value, mtu: 23, withResponse: true)) } catch { success = false }
            answers.withLock { $0[value[0]] = success }
        }
    }

    /// The answers once `count` arrived, or those there are after 5 s (a lost answer fails the
    /// test instead of hanging it).
    func wait(for count: Int) async -> [UInt8: Bool] {
        let deadline = ContinuousClock.now + .seconds(5)
        while answers.withLock({ $0.count }) < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return answers.withLock { $0 }
    }
}
