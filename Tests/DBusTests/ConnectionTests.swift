import Synchronization
import Testing
import DBus
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

@Suite(.cleansUp) struct ConnectionTests {
    @Test func helloListNamesAndGetNameOwner() async throws {
        try await withPrivateBus { bus in
            let connection = try await bus.connect()
            defer { connection.close() }
            #expect(connection.uniqueName.hasPrefix(":"))
            let reply = try await connection.call(busMethod("ListNames"), timeout: .seconds(30))
            guard case .array(.string, let names)? = reply.body.first else {
                Issue.record("unexpected ListNames reply \(reply.body)")
                return
            }
            #expect(names.contains(.string(connection.uniqueName)))
            #expect(names.contains(.string("org.freedesktop.DBus")))
            let owner = try await connection.call(busMethod("GetNameOwner", [.string(connection.uniqueName)]))
            #expect(owner.body == [.string(connection.uniqueName)])
        }
    }

    @Test func errorRepliesAreThrownWithTheirName() async throws {
        try await withPrivateBus { bus in
            let connection = try await bus.connect()
            defer { connection.close() }
            do throws(DBusError) {
                _ = try await connection.call(busMethod("GetNameOwner", [.string("org.example.Nobody")]))
                Issue.record("no error")
            } catch {
                #expect(error.kind == .nameHasNoOwner)
                #expect(error.name == "org.freedesktop.DBus.Error.NameHasNoOwner")
            }
            do throws(DBusError) {
                _ = try await connection.call(.methodCall(destination: "org.example.Nobody", path: .root,
                                                          interface: "org.example.I", member: "M"))
                Issue.record("no error")
            } catch {
                #expect(error.kind == .serviceUnknown)
            }
        }
    }

    @Test func twoConnectionsCallEachOtherThroughTheHandler() async throws {
        try await withPrivateBus { bus in
            let server = try await bus.connect()
            let client = try await bus.connect()
            defer { server.close(); client.close() }
            server.setMethodCallHandler { [weak server] call in
                guard let server else { return }
                if call.member == "Echo" {
                    _ = try? server.send(.methodReturn(replyingTo: call, body: call.body))
                } else {
                    _ = try? server.send(.errorReply(replyingTo: call, error: DBusError(.unknownMethod, message: "no \(call.member ?? "")")))
                }
            }
            let echo = DBusMessage.methodCall(destination: server.uniqueName, path: try DBusObjectPath("/x"),
                                              interface: "org.example.Echo", member: "Echo", body: everyShape)
            let reply = try await client.call(echo, timeout: .seconds(30))
            #expect(reply.body == everyShape)
            #expect(reply.sender == server.uniqueName)
            var other = echo
            other.member = "Other"
            await #expect { try await client.call(other) } throws: { ($0 as? DBusError)?.kind == .unknownMethod }
            // Peer is answered by the connection itself.
            let ping = DBusMessage.methodCall(destination: server.uniqueName, path: .root,
                                              interface: "org.freedesktop.DBus.Peer", member: "Ping")
            #expect(try await client.call(ping).kind == .methodReturn)
        }
    }

    @Test func handlerRepliesMayComeLaterFromATaskInAnyOrder() async throws {
        try await withPrivateBus { bus in
            let server = try await bus.connect()
            let client = try await bus.connect()
            defer { server.close(); client.close() }
            let arrivals = ArrivalLog()
            server.setMethodCallHandler { [weak server] call in
                guard case .int32(let n)? = call.body.first else { return }
                arrivals.append(n)
                Task {
                    // Later calls are answered first.
                    try? await Task.sleep(for: .milliseconds(Int(100 - 10 * n)))
                    _ = try? server?.send(.methodReturn(replyingTo: call, body: [.int32(n * 2)]))
                }
            }
            let results = try await withThrowingTaskGroup(of: (Int32, [DBusValue]).self) { group in
                for n in Int32(0)..<5 {
                    group.addTask {
                        let call = DBusMessage.methodCall(destination: server.uniqueName, path: .root,
                                                          interface: "org.example.I", member: "Later", body: [.int32(n)])
                        return (n, try await client.call(call, timeout: .seconds(30)).body)
                    }
                }
                var results: [Int32: [DBusValue]] = [:]
                for try await (n, body) in group { results[n] = body }
                return results
            }
            #expect(results.count == 5)
            for (n, body) in results { #expect(body == [.int32(n * 2)]) }
            #expect(arrivals.values.count == 5)
        }
    }

    @Test func withoutAHandlerCallsGetUnknownObject() async throws {
        try await withPrivateBus { bus in
            let server = try await bus.connect()
            let client = try await bus.connect()
            defer { server.close(); client.close() }
            let call = DBusMessage.methodCall(destination: server.uniqueName, path: try DBusObjectPath("/nothing"),
                                              interface: "org.example.I", member: "M")
            await #expect { try await client.call(call, timeout: .seconds(30)) } throws: { ($0 as? DBusError)?.kind == .unknownObject }
        }
    }

    @Test func callsTimeOut() async throws {
        try await withPrivateBus { bus in
            let server = try await bus.connect()
            let client = try await bus.connect()
            defer { server.close(); client.close() }
            server.setMethodCallHandler { _ in }  // never answers
            let call = DBusMessage.methodCall(destination: server.uniqueName, path: .root, interface: "org.example.I", member: "Slow")
            let start = ContinuousClock.now
            await #expect { try await client.call(call, timeout: .milliseconds(200)) } throws: { ($0 as? DBusError)?.kind == .timedOut }
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= .milliseconds(200) && elapsed < .seconds(20))
        }
    }

    @Test func cancellationCancelsThePendingCall() async throws {
        try await withPrivateBus { bus in
            let server = try await bus.connect()
            let client = try await bus.connect()
            defer { server.close(); client.close() }
            server.setMethodCallHandler { _ in }
            let call = DBusMessage.methodCall(destination: server.uniqueName, path: .root, interface: "org.example.I", member: "Slow")
            let task = Task { try await client.call(call, timeout: .seconds(30)) }
            try await Task.sleep(for: .milliseconds(50))
            task.cancel()
            let start = ContinuousClock.now
            await #expect { try await task.value } throws: { ($0 as? DBusError)?.kind == .cancelled }
            #expect(ContinuousClock.now - start < .seconds(20))  // well under the 30 s call timeout
            // Already-cancelled task: fails at once.
            let early = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await client.call(call, timeout: .seconds(30))
            }
            await #expect { try await early.value } throws: { ($0 as? DBusError)?.kind == .cancelled }
        }
    }

    @Test func manyConcurrentCallsWithCancellationsAllFinish() async throws {
        try await withPrivateBus { bus in
            let server = try await bus.connect()
            let client = try await bus.connect()
            defer { server.close(); client.close() }
            server.setMethodCallHandler { [weak server] call in
                // Answer even-numbered calls, ignore odd ones.
                if case .int32(let n)? = call.body.first, n % 2 == 0 {
                    _ = try? server?.send(.methodReturn(replyingTo: call, body: call.body))
                }
            }
            let outcomes = await withTaskGroup(of: String.self) { group in
                for n in 0..<400 {
                    group.addTask {
                        let call = DBusMessage.methodCall(destination: server.uniqueName, path: .root,
                                                          interface: "org.example.I", member: "N", body: [.int32(Int32(n))])
                        let inner = Task { try await client.call(call, timeout: .milliseconds(n % 4 == 1 ? 300 : 20_000)) }
                        if n % 4 == 3 { inner.cancel() }
                        do {
                            let reply = try await inner.value
                            return reply.body == [.int32(Int32(n))] ? "ok" : "wrong"
                        } catch let error as DBusError {
                            return "\(error.kind)"
                        } catch {
                            return "other"
                        }
                    }
                }
                var counts: [String: Int] = [:]
                for await outcome in group { counts[outcome, default: 0] += 1 }
                return counts
            }
            #expect(outcomes["ok"] == 200)
            #expect(outcomes["timedOut"] == 100)
            #expect(outcomes["cancelled"] == 100)
        }
    }

    @Test func daemonKilledMidCallFailsWithDisconnected() async throws {
        let bus = try await PrivateBus.start()
        let server = try await bus.connect()
        let client = try await bus.connect()
        defer { server.close(); client.close() }
        server.setMethodCallHandler { _ in }
        let call = DBusMessage.methodCall(destination: server.uniqueName, path: .root, interface: "org.example.I", member: "Slow")
        let pending = (0..<20).map { _ in Task { try await client.call(call, timeout: .seconds(30)) } }
        try await Task.sleep(for: .milliseconds(100))
        bus.kill()
        for task in pending {
            await #expect { try await task.value } throws: { ($0 as? DBusError)?.kind == .disconnected }
        }
        let reason = await client.waitUntilClosed()
        #expect(reason.kind == .disconnected)
        #expect(!client.isConnected)
        await #expect { try await client.call(call) } throws: { ($0 as? DBusError)?.kind == .disconnected }
        #expect(throws: DBusError.self) { try client.send(.signal(path: .root, interface: "org.example.I", member: "S")) }
    }

    @Test func closeFailsPendingCallsAndIsIdempotent() async throws {
        try await withPrivateBus { bus in
            let server = try await bus.connect()
            let client = try await bus.connect()
            defer { server.close() }
            server.setMethodCallHandler { _ in }
            let call = DBusMessage.methodCall(destination: server.uniqueName, path: .root, interface: "org.example.I", member: "Slow")
            let task = Task { try await client.call(call, timeout: .seconds(30)) }
            try await Task.sleep(for: .milliseconds(50))
            client.close()
            client.close()
            await #expect { try await task.value } throws: { ($0 as? DBusError)?.kind == .disconnected }
            #expect(await client.waitUntilClosed().kind == .disconnected)
        }
    }

    @Test func openFailsForAMissingSocket() async {
        await #expect { try await DBusConnection.open(.address("unix:path=/nonexistent/smartsetup/bus"), timeout: .seconds(2)) }
            throws: { ($0 as? DBusError)?.kind == .connectionFailed }
    }

    @Test func sendReturnsIncreasingSerialsAndRejectsBadMessages() async throws {
        try await withPrivateBus { bus in
            let connection = try await bus.connect()
            defer { connection.close() }
            let signal = DBusMessage.signal(path: .root, interface: "org.example.I", member: "S")
            let first = try connection.send(signal)
            let second = try connection.send(signal)
            #expect(second > first)
            var bad = signal
            bad.member = "not valid"
            #expect(throws: DBusError.self) { try connection.send(bad) }
            await #expect(throws: DBusError.self) { try await connection.call(signal) }
            // Still healthy afterwards.
            _ = try await connection.call(busMethod("ListNames"))
        }
    }
}

@Suite(.cleansUp) struct UnixFDPassingTests {
    /// A pipe's read end travels to another connection, which reads from its own duplicate;
    /// the sender's descriptor stays open and usable.
    @Test func unixFDsPassBetweenConnections() async throws {
        try await withPrivateBus { bus in
            let server = try await bus.connect()
            let client = try await bus.connect()
            defer { server.close(); client.close() }
            server.setMethodCallHandler { [weak server] call in
                guard case .unixFD(let fd)? = call.body.first, case .variant(.unixFD(let again))? = call.body.last else { return }
                var buffer = [UInt8](repeating: 0, count: 16)
                let count = read(fd.rawValue, &buffer, buffer.count)
                let distinct = fd.rawValue != again.rawValue
                _ = try? server?.send(.methodReturn(replyingTo: call, body: [.bytes(Array(buffer.prefix(max(count, 0)))), .boolean(distinct)]))
            }
            var fds: [Int32] = [0, 0]
            #expect(pipe(&fds) == 0)
            let readEnd = DBusUnixFD(takingOwnershipOf: fds[0])
            let writeEnd = DBusUnixFD(takingOwnershipOf: fds[1])
            #expect(write(writeEnd.rawValue, "hello", 5) == 5)
            let call = DBusMessage.methodCall(destination: server.uniqueName, path: .root, interface: "org.example.Fd",
                                              member: "Read", body: [.unixFD(readEnd), .variant(.unixFD(readEnd))])
            let reply = try await client.call(call, timeout: .seconds(30))
            #expect(try reply.body[0].bytes() == Array("hello".utf8))
            #expect(reply.body[1] == .boolean(true))
            #expect(fcntl(readEnd.rawValue, F_GETFD) >= 0)
        }
    }
}

/// Records the order in which the handler saw calls (it runs on the I/O thread).
final class ArrivalLog: Sendable {
    private let storage = Mutex<[Int32]>([])
    func append(_ value: Int32) { storage.withLock { $0.append(value) } }
    var values: [Int32] { storage.withLock { $0 } }
}
