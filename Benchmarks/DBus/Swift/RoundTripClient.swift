import DBus

/// Sequential `Echo` round trips through `DBusConnection.call`, timed one by one.
enum RoundTripClient {
    static let warmupCalls = 1000

    /// Throughput and latency percentiles of one run.
    struct Result {
        var calls: Int
        var callsPerSecond: Double
        var p50: Duration
        var p90: Duration
        var p99: Duration

        /// `RESULT <calls> <calls/s> <p50 us> <p90 us> <p99 us>`.
        var line: String {
            "RESULT \(calls) \(Int(callsPerSecond.rounded())) \(micros(p50)) \(micros(p90)) \(micros(p99))"
        }

        private func micros(_ duration: Duration) -> String {
            let tenths = (Double(duration.components.attoseconds) / 1e11 + Double(duration.components.seconds) * 1e7)
                .rounded()
            return "\(Int(tenths) / 10).\(Int(tenths) % 10)"
        }
    }

    /// Connects to `address` and calls `name`'s echo `calls` times after a warm-up, on the
    /// connection's executor if `onConnectionExecutor`.
    static func run(address: String, name: String, calls: Int, onConnectionExecutor: Bool) async throws(DBusError) -> Result {
        let connection = try await DBusConnection.open(.address(address))
        defer { connection.close() }
        guard onConnectionExecutor else { return try await run(on: connection, name: name, calls: calls) }
        do {
            return try await withTaskExecutorPreference(connection.executor) {
                try await run(on: connection, name: name, calls: calls)
            }
        } catch let error as DBusError {
            throw error
        } catch {
            throw DBusError(.failed, message: "\(error)")
        }
    }

    private static func run(on connection: DBusConnection, name: String, calls: Int) async throws(DBusError) -> Result {
        let text = DBusValue.string("hello, bus")
        let call = DBusMessage.methodCall(
            destination: name, path: try EchoServer.path(), interface: EchoServer.interface, member: "Echo", body: [text])
        for _ in 0..<warmupCalls {
            try await echo(call, on: connection, expecting: text)
        }
        let clock = ContinuousClock()
        var latencies: [Duration] = []
        latencies.reserveCapacity(calls)
        let start = clock.now
        for _ in 0..<calls {
            let before = clock.now
            try await echo(call, on: connection, expecting: text)
            latencies.append(clock.now - before)
        }
        let elapsed = clock.now - start
        latencies.sort()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(
            calls: calls, callsPerSecond: Double(calls) / seconds,
            p50: latencies[calls * 50 / 100], p90: latencies[calls * 90 / 100], p99: latencies[calls * 99 / 100])
    }

    private static func echo(_ call: DBusMessage, on connection: DBusConnection, expecting text: DBusValue) async throws(DBusError) {
        let reply = try await connection.call(call, timeout: .seconds(5))
        guard reply.body == [text] else {
            throw DBusError(.typeMismatch, message: "echo replied with \(reply.body)")
        }
    }
}
