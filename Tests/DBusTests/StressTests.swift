import Testing
import DBus
import TestSupport

@Suite(.cleansUp) struct StressTests {
    /// Calls, cancellations, subscriptions and a daemon killed in the middle: every await
    /// finishes with a result or a typed error, none hangs (the test's own deadline is the
    /// calls' timeout), and the process survives.
    @Test(arguments: 0..<3)
    func daemonKilledDuringMixedTraffic(round: Int) async throws {
        let bus = try await PrivateBus.start()
        let server = try await bus.connect()
        let client = try await bus.connect()
        defer { server.close(); client.close() }
        server.setMethodCallHandler { [weak server] call in
            if case .int32(let n)? = call.body.first, n % 3 == 0 {
                _ = try? server?.send(.methodReturn(replyingTo: call, body: call.body))
            }
        }
        let stream = try await client.signals(matching: DBusMatchRule(member: "Tick"))
        let consumer = Task { () -> String in
            do throws(DBusError) {
                for try await _ in stream {}
                return "ended"
            } catch {
                return "\(error.kind)"
            }
        }
        let results = await withTaskGroup(of: String.self) { group in
            for n in 0..<300 {
                group.addTask {
                    let call = DBusMessage.methodCall(destination: server.uniqueName, path: .root, interface: "org.example.I",
                                                      member: "N", body: [.int32(Int32(n))])
                    let task = Task { try await client.call(call, timeout: .seconds(10)) }
                    if n % 5 == 1 { task.cancel() }
                    do {
                        _ = try await task.value
                        return "ok"
                    } catch let error as DBusError {
                        return "\(error.kind)"
                    } catch {
                        return "other"
                    }
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(30 + 20 * round))
                bus.kill()
                return "killed"
            }
            var counts: [String: Int] = [:]
            for await result in group { counts[result, default: 0] += 1 }
            return counts
        }
        #expect(results["other"] == nil)
        #expect(results.keys.allSatisfy { ["ok", "cancelled", "disconnected", "killed"].contains($0) })
        #expect(results.values.reduce(0, +) == 301)
        #expect(await consumer.value == "disconnected")
        #expect(await client.waitUntilClosed().kind == .disconnected)
    }

    @Test func closingEndsStreamsNormally() async throws {
        try await withPrivateBus { bus in
            let listener = try await bus.connect()
            let stream = try await listener.signals(matching: DBusMatchRule(member: "Never"))
            let consumer = Task { () throws(DBusError) -> Int in
                var count = 0
                for try await _ in stream { count += 1 }
                return count
            }
            try await Task.sleep(for: .milliseconds(50))
            listener.close()
            #expect(try await consumer.value == 0)
        }
    }
}
