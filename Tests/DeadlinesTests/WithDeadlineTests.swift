import Deadlines
import Synchronization
import Testing

private enum Failure: Error, Equatable {
    case timedOut, cancelled, own
}

@Suite struct WithDeadlineTests {
    @Test func returnsTheOperationsValueBeforeTheDeadline() async throws {
        let value = try await withTimeout(.seconds(10), timedOut: Failure.timedOut, cancelled: .cancelled) { () throws(Failure) in 42 }
        #expect(value == 42)
    }

    @Test func throwsTimedOutAndCancelsTheOperationPastTheDeadline() async {
        let sawCancellation = Mutex(false)
        await #expect(throws: Failure.timedOut) {
            try await withTimeout(.milliseconds(50), timedOut: Failure.timedOut, cancelled: .cancelled) { () throws(Failure) in
                do { try await Task.sleep(for: .seconds(30)) } catch { sawCancellation.withLock { $0 = true } }
                return 1
            }
        }
        // The call returns only once the operation ended: its cancellation is already seen.
        #expect(sawCancellation.withLock { $0 })
    }

    @Test func passesTheOperationsOwnErrorThrough() async {
        await #expect(throws: Failure.own) {
            try await withDeadline(.now + .seconds(10), timedOut: Failure.timedOut, cancelled: .cancelled) { () throws(Failure) -> Int in
                throw .own
            }
        }
    }

    @Test func aCancelledCallerGetsCancelled() async {
        let task = Task {
            try await withTimeout(.seconds(30), timedOut: Failure.timedOut, cancelled: .cancelled) { () throws(Failure) -> Int in
                do { try await Task.sleep(for: .seconds(30)) } catch { throw .own }
                return 1
            }
        }
        try? await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await #expect(throws: Failure.cancelled) { try await task.value }
    }
}
