import BlueZ
import DBus
import SimulatedBlueZ
import Testing
import TestSupport

/// A `BlueZSession` does not outlive its users: let go without `close()`, it closes itself
/// (its router task holds it weakly and ends), and its connection, let go too, is released.
@Suite(.cleansUp) struct SessionLifetimeTests {
    @Test func aSessionLetGoWithoutCloseIsReleased() async throws {
        let bus = try await PrivateBus.start()
        let sim = try await SimulatedBlueZ.start(busAddress: bus.address)
        try CleanupScope.atEnd(of: "the simulator") { await sim.stop() }
        weak var session: BlueZSession?
        weak var connection: DBusConnection?
        do {
            let opened = try await BlueZSession.open(try await DBusConnection.open(.address(bus.address), timeout: .seconds(30)))
            session = opened
            connection = opened.connection
            #expect(opened.isBluetoothdAvailable)
            #expect(try opened.adapter(named: "hci0").name == "hci0")
        }
        try await eventually("the session and its connection to be released", within: .seconds(10)) { session == nil && connection == nil }
    }

    @Test func closeIsIdempotentAndLeavesTheConnectionOpen() async throws {
        let bus = try await PrivateBus.start()
        let sim = try await SimulatedBlueZ.start(busAddress: bus.address)
        try CleanupScope.atEnd(of: "the simulator") { await sim.stop() }
        let connection = try await DBusConnection.open(.address(bus.address), timeout: .seconds(30))
        defer { connection.close() }
        let session = try await BlueZSession.open(connection)
        session.close()
        session.close()  // idempotent
        #expect(connection.isConnected)
    }
}
