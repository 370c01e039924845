import Synchronization
import Testing
import TestSupport

@testable import DBus

/// The send fast path: callers write on their own thread and the I/O thread is not woken for
/// it, unless libdbus leaves it work. Each test fails if the fast path is lost or if taking it
/// breaks a guarantee.
@Suite("Connection: send fast path", .cleansUp)
struct FastPathTests {
    @Test(.timeLimit(.minutes(1))) func callsAreSentWithoutWakingTheIOThread() async throws {
        try await withPrivateBus { bus in
            let connection = try await bus.connect()
            defer { connection.close() }
            let before = connection.core.waker.signals.load(ordering: .relaxed)
            for _ in 0..<50 {
                _ = try await connection.call(busMethod("GetId"))
                try connection.send(busMethod("GetId").withNoReplyExpected())
            }
            let wakeups = connection.core.waker.signals.load(ordering: .relaxed) - before
            // The first call may move the earliest deadline forward (one wake-up); a pipe write
            // per message would be 100.
            #expect(wakeups <= 2, "the I/O thread was woken \(wakeups) times for 100 messages")
        }
    }

    /// A task preferring the connection's executor runs on the I/O thread; its round trips are
    /// sent and resumed there (no wake-up), and signals and other callers keep working meanwhile.
    @Test(.timeLimit(.minutes(1))) func aTaskOnTheConnectionExecutorRunsOnTheIOThread() async throws {
        try await withPrivateBus { bus in
            let connection = try await bus.connect()
            defer { connection.close() }
            _ = try await connection.call(busMethod("GetId"))
            let before = connection.core.waker.signals.load(ordering: .relaxed)
            let (onIOThread, ids) = try await withTaskExecutorPreference(connection.executor) {
                var ids: Set<String> = []
                var onIOThread = true
                for _ in 0..<50 {
                    let reply = try await connection.call(busMethod("GetId"))
                    onIOThread = onIOThread && connection.core.executor.isIOThread
                    if case .string(let id)? = reply.body.first { ids.insert(id) }
                }
                return (onIOThread, ids)
            }
            #expect(onIOThread)
            #expect(ids.count == 1)
            let wakeups = connection.core.waker.signals.load(ordering: .relaxed) - before
            // Entering the executor from another thread wakes the loop once; the calls do not.
            #expect(wakeups <= 3, "the I/O thread was woken \(wakeups) times")
            // Another task calling at the same time from the global executor is served too.
            async let other = connection.call(busMethod("GetId"))
            let mine = try await withTaskExecutorPreference(connection.executor) {
                try await connection.call(busMethod("GetId"))
            }
            #expect(try await other.body == mine.body)
        }
    }

    /// Once the I/O thread is gone, tasks that prefer its executor still run (on the global
    /// concurrent executor) instead of hanging.
    @Test(.timeLimit(.minutes(1))) func theConnectionExecutorOutlivesTheConnection() async throws {
        try await withPrivateBus { bus in
            let connection = try await bus.connect()
            let executor = connection.executor
            let early = Task(executorPreference: executor) { 1 }
            #expect(await early.value == 1)
            connection.close()
            let late = Task(executorPreference: executor) { () async -> Int in
                await Task.yield()
                return 2
            }
            #expect(await late.value == 2)
            await #expect(throws: DBusError.self) {
                try await withTaskExecutorPreference(executor) { try await connection.call(busMethod("GetId")) }
            }
        }
    }

    /// A message far larger than the socket buffer cannot be written by the sender at once:
    /// libdbus keeps the rest, and the I/O thread must be woken to poll for writability.
    @Test(.timeLimit(.minutes(1))) func aMessageTheSocketCannotTakeAtOnceIsFinishedByTheIOThread() async throws {
        try await withPrivateBus { bus in
            let server = try await bus.connect()
            let client = try await bus.connect()
            defer { server.close(); client.close() }
            server.setMethodCallHandler { [weak server] call in
                _ = try? server?.send(.methodReturn(replyingTo: call, body: call.body))
            }
            let bytes = DBusValue.bytes((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            let call = DBusMessage.methodCall(
                destination: server.uniqueName, path: try DBusObjectPath("/big"), interface: "org.example.Big",
                member: "Echo", body: [bytes])
            for _ in 0..<3 {
                let reply = try await client.call(call, timeout: .seconds(30))
                #expect(reply.body == [bytes])
            }
        }
    }
}

extension DBusMessage {
    fileprivate func withNoReplyExpected() -> DBusMessage {
        var message = self
        message.noReplyExpected = true
        return message
    }
}
