import Synchronization
import Testing
import TestSupport

@testable import DBus

#if canImport(Glibc)
import Glibc
#endif

/// What a connection holds (its socket and the two ends of its I/O thread's wake-up pipe) is
/// released when it ends, closed or lost, also while the `DBusConnection` is still referenced;
/// and ``DBusConnection/close()`` never waits for the I/O thread.
@Suite(.cleansUp) struct DBusConnectionLifetimeTests {
    @Test func closeReleasesTheSocketAndTheWakeUpPipe() async throws {
        try await withPrivateBus { bus in
            let connection = try await bus.connect()
            let held = connection.core.heldDescriptors
            #expect(held.count == 3, "a socket and the wake-up pipe's two ends, not \(held)")
            let identities = OpenFileDescriptors.identities(of: held)
            #expect(identities.contains { $0.hasPrefix("socket:[") } && identities.contains { $0.hasPrefix("pipe:[") })
            connection.close()
            #expect(await connection.waitUntilClosed().kind == .disconnected)
            // Released once waitUntilClosed returned, though the connection is still referenced.
            #expect(try OpenFileDescriptors.now().stillOpen(identities) == [])
            #expect(connection.core.heldDescriptors == [])
            connection.close()  // idempotent
            #expect(throws: DBusError.self) { try connection.send(busMethod("ListNames")) }
        }
    }

    @Test func aLostConnectionReleasesItsDescriptors() async throws {
        let bus = try await PrivateBus.start()
        let connection = try await bus.connect()
        let identities = OpenFileDescriptors.identities(of: connection.core.heldDescriptors)
        #expect(identities.count == 3)
        bus.kill()
        #expect(await connection.waitUntilClosed().kind == .disconnected)
        #expect(try OpenFileDescriptors.now().stillOpen(identities) == [])
        withExtendedLifetime(connection) {}
    }

    /// A handler that holds its own connection (the documented cycle, broken by the connection's
    /// end) may hold its last reference: ending drops the handler, and the connection's deinit
    /// runs there, outside the connection's lock (inside it the deinit's close took the lock
    /// again: "Recursive call to lock Mutex", seen in a full `swift test`).
    @Test(arguments: [false, true]) func aHandlerHoldingTheLastReferenceIsDroppedOutsideTheLock(lost: Bool) async throws {
        let bus = try await PrivateBus.start()
        weak var released: DBusConnection?
        var identities: [String] = []
        do {
            let connection = try await bus.connect()
            connection.setMethodCallHandler { _ in _ = connection.uniqueName }
            released = connection
            identities = OpenFileDescriptors.identities(of: connection.core.heldDescriptors)
            if !lost { connection.close() }
        }
        if lost { bus.kill() }
        try await eventually("the connection to be released", within: .seconds(10)) {
            try released == nil && OpenFileDescriptors.now().stillOpen(identities).isEmpty
        }
    }

    /// Twenty connections opened and closed, and kept: none holds a descriptor afterwards.
    @Test func closedConnectionsHoldNoDescriptors() async throws {
        try await withPrivateBus { bus in
            var connections: [DBusConnection] = []
            var identities: [String] = []
            for _ in 0..<20 {
                let connection = try await bus.connect()
                identities += OpenFileDescriptors.identities(of: connection.core.heldDescriptors)
                connection.close()
                connections.append(connection)
            }
            #expect(identities.count == 60)
            try? await eventually("the closed connections' descriptors to close", within: .seconds(10), every: .milliseconds(20)) {
                try OpenFileDescriptors.now().stillOpen(identities).isEmpty
            }
            let left = try OpenFileDescriptors.now().stillOpen(identities)
        #expect(left.isEmpty, "\(left.count) of \(identities.count) descriptors still open: \(left)")
            #expect(connections.allSatisfy { $0.core.heldDescriptors.isEmpty })
        }
    }

    /// `close()` from a task only asks the I/O thread to stop: it returns at once even while
    /// that thread is busy (here a handler that takes a second), so it never holds a thread of
    /// the cooperative pool. `waitUntilClosed()` then waits, without a thread, for the release.
    @Test func closeDoesNotWaitForABusyIOThread() async throws {
        try await withPrivateBus { bus in
            let server = try await bus.connect()
            let client = try await bus.connect()
            defer { client.close() }
            let handling = Atomic<Bool>(false)
            server.setMethodCallHandler { _ in
                handling.store(true, ordering: .sequentiallyConsistent)
                usleep(1_000_000)  // the I/O thread is busy for a second
            }
            var call = DBusMessage.methodCall(destination: server.uniqueName, path: .root, interface: "org.example.Slow", member: "Work")
            call.noReplyExpected = true
            try client.send(call)
            try await eventually("the handler to run", within: .seconds(10)) { handling.load(ordering: .sequentiallyConsistent) }
            let identities = OpenFileDescriptors.identities(of: server.core.heldDescriptors)
            let clock = ContinuousClock()
            let start = clock.now
            server.close()
            let elapsed = start.duration(to: clock.now)
            #expect(elapsed < .milliseconds(300), "close() took \(elapsed)")
            #expect(await server.waitUntilClosed().kind == .disconnected)
            #expect(start.duration(to: clock.now) >= .milliseconds(500), "the I/O thread finished its turn first")
            #expect(try OpenFileDescriptors.now().stillOpen(identities) == [])
        }
    }
}
