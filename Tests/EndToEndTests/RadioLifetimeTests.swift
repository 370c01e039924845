import BlueZ
import SetupCentral
import SetupLab
import Testing
import TestSupport

@testable import DBus
@testable import SetupLab
@testable import SimulatedBlueZ

/// What a central radio and a lab open is released when their users close them: the D-Bus
/// connections' sockets and wake-up pipes, also while the radio or lab is still referenced.
@Suite(.cleansUp) struct RadioLifetimeTests {
    @Test func twentyRadiosOpenedAndClosedLeaveNoDescriptorOpen() async throws {
        let bus = try await PrivateBus.start()
        let simulator = try await SimulatedBlueZ.start(busAddress: bus.address)
        try CleanupScope.atEnd(of: "a simulated BlueZ") { await simulator.stop() }
        var closed: [BlueZRadio] = []
        var identities: [String] = []
        for _ in 0..<20 {
            let radio = try await BlueZRadio.open(adapter: "hci0", bus: .address(bus.address))
            let held = OpenFileDescriptors.identities(of: radio.adapter.session.connection.core.heldDescriptors)
            #expect(held.count == 3, "the connection's socket and wake-up pipe")
            identities += held
            radio.close()
            radio.close()  // idempotent
            closed.append(radio)
        }
        try? await eventually("the closed radios' descriptors to close", within: .seconds(10), every: .milliseconds(20)) {
            try OpenFileDescriptors.now().stillOpen(identities).isEmpty
        }
        let left = try OpenFileDescriptors.now().stillOpen(identities)
        #expect(left.isEmpty, "\(left.count) of \(identities.count) descriptors still open: \(left)")
        withExtendedLifetime(closed) {}
    }

    /// A radio its user drops without closing it is released all the same: nothing (its
    /// session's router task) keeps its connection alive.
    @Test func aDroppedRadioReleasesItsConnection() async throws {
        let bus = try await PrivateBus.start()
        let simulator = try await SimulatedBlueZ.start(busAddress: bus.address)
        try CleanupScope.atEnd(of: "a simulated BlueZ") { await simulator.stop() }
        weak var connection: DBusConnection?
        var identities: [String] = []
        do {
            let radio = try await BlueZRadio.open(adapter: "hci0", bus: .address(bus.address))
            connection = radio.adapter.session.connection
            identities = OpenFileDescriptors.identities(of: radio.adapter.session.connection.core.heldDescriptors)
            _ = try await radio.scan(for: .milliseconds(200), scope: .advertising) { _ in false }
        }
        try await eventually("the dropped radio's connection to be released", within: .seconds(10)) {
            try connection == nil && OpenFileDescriptors.now().stillOpen(identities).isEmpty
        }
    }

    /// A radio on a shared session leaves the session (and its connection) to its owner.
    @Test func aRadioOnASharedSessionLeavesItOpen() async throws {
        let bus = try await PrivateBus.start()
        let simulator = try await SimulatedBlueZ.start(busAddress: bus.address)
        try CleanupScope.atEnd(of: "a simulated BlueZ") { await simulator.stop() }
        let session = try await BlueZRadio.openSession(bus: .address(bus.address))
        let radio = try BlueZRadio.radio(adapter: "hci0", session: session)
        radio.close()
        #expect(session.connection.isConnected)
        #expect(try await radio.scan(for: .milliseconds(200), scope: .advertising) { _ in false } == [])
        session.close()
        session.connection.close()
        #expect(await session.connection.waitUntilClosed().kind == .disconnected)
    }

    /// Five labs with a printer each, started, used for a pairing and stopped, their central
    /// radios closed: none of their connections (simulator, printers, control object, central)
    /// holds a descriptor afterwards.
    @Test func stoppedLabsAndClosedRadiosLeaveNoDescriptorOpen() async throws {
        let bus = try await PrivateBus.start()
        var identities: [String] = []
        var stopped: [SimulatedPrinterLab] = []
        for _ in 0..<5 {
            let lab = try await SimulatedPrinterLab.start(
                printers: 1, mtu: 247, interval: .milliseconds(2), bus: bus.address,
                configuration: { _ in testPrinterConfiguration(networks: TestNetworks.lab) }, output: { _ in })
            let radio = try await lab.centralRadio()
            let connections = lab.connections + [lab.simulator.core.connection, radio.adapter.session.connection]
            #expect(connections.count == 4)
            identities += connections.flatMap { OpenFileDescriptors.identities(of: $0.core.heldDescriptors) }
            let request = PairRequest(target: try target(lab.printers[0]), credentials: try credentials())
            _ = try await SmartSetup(radio: radio).pair(request)
            radio.close()
            await lab.stop()
            stopped.append(lab)
        }
        #expect(identities.count == 5 * 4 * 3)
        try? await eventually("the stopped labs' descriptors to close", within: .seconds(10), every: .milliseconds(20)) {
            try OpenFileDescriptors.now().stillOpen(identities).isEmpty
        }
        let left = try OpenFileDescriptors.now().stillOpen(identities)
        #expect(left.isEmpty, "\(left.count) of \(identities.count) descriptors still open: \(left)")
        withExtendedLifetime(stopped) {}
    }
}
