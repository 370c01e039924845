import Testing
import TestSupport

@testable import DBus
@testable import SimulatedBlueZ

/// A stopped simulator holds nothing: its D-Bus connection's socket and wake-up pipe are closed
/// by ``SimulatedBlueZ/stop()`` (also while the simulator is still referenced), and nothing
/// keeps it alive once its user lets it go.
@Suite(.cleansUp) struct SimulatorLifetimeTests {
    @Test func twentyStartsAndStopsLeaveNoDescriptorOpen() async throws {
        let bus = try await PrivateBus.start()
        var stopped: [SimulatedBlueZ] = []
        var identities: [String] = []
        for _ in 0..<20 {
            let simulator = try await SimulatedBlueZ.start(busAddress: bus.address)
            let held = OpenFileDescriptors.identities(of: simulator.core.connection.core.heldDescriptors)
            #expect(held.count == 3, "the connection's socket and wake-up pipe")
            identities += held
            await simulator.stop()
            stopped.append(simulator)
        }
        try? await eventually("the stopped simulators' descriptors to close", within: .seconds(10), every: .milliseconds(20)) {
            try OpenFileDescriptors.now().stillOpen(identities).isEmpty
        }
        let left = try OpenFileDescriptors.now().stillOpen(identities)
        #expect(left.isEmpty, "\(left.count) of \(identities.count) descriptors still open: \(left)")
        withExtendedLifetime(stopped) {}
    }

    @Test func aStoppedSimulatorIsReleased() async throws {
        let bus = try await PrivateBus.start()
        weak var core: SimulatorCore?
        weak var connection: DBusConnection?
        do {
            let simulator = try await SimulatedBlueZ.start(busAddress: bus.address)
            core = simulator.core
            connection = simulator.core.connection
            #expect(await simulator.faults.removeAdapter(0))
            await simulator.stop()
        }
        try await eventually("the simulator to be released", within: .seconds(10)) { core == nil && connection == nil }
    }
}
