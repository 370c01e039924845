@testable import SimulatedBlueZ
import Synchronization
import Testing

@Suite("ATT bearer: one outstanding request per link", .timeLimit(.minutes(1)))
struct ATTBearerTests {
    final class Order: Sendable {
        let events = Mutex<[String]>([])
        func add(_ event: String) { events.withLock { $0.append(event) } }
        var all: [String] { events.withLock { $0 } }
    }

    @Test func requestsWaitInArrivalOrder() async throws {
        let bearer = ATTBearer()
        let order = Order()
        await bearer.acquire()
        let second = Task {
            await bearer.acquire()
            order.add("second")
            bearer.release()
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(order.all.isEmpty, "nothing runs while the first request is outstanding")
        order.add("first done")
        bearer.release()
        await second.value
        #expect(order.all == ["first done", "second"])
        await bearer.acquire()
        bearer.release()
    }
}
