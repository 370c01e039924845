import DBus
import SetupDoctor
import SimulatedBlueZ
import Testing
import TestSupport

/// The bus lines against the simulated BlueZ on a private bus (never the machine's buses).
@Suite(.serialized, .cleansUp, .timeLimit(.minutes(1))) struct SystemBusChecksTests {
    @Test func bluetoothdAndItsAdaptersAreReported() async throws {
        let bus = try await PrivateBus.start()
        let simulator = try await SimulatedBlueZ.start(busAddress: bus.address)
        try CleanupScope.atEnd(of: "the simulator") { await simulator.stop() }
        let checks = await SystemBusChecks(bus: .address(bus.address)).run(bluetoothdVersion: "5.66")
        let byID = Dictionary(uniqueKeysWithValues: checks.map { ($0.id, $0) })
        #expect(byID["bluetoothd"]?.status == .ok)
        #expect(byID["bluetoothd"]?.found.hasSuffix(", installed bluetoothd 5.66") == true)
        #expect(byID["bluez-access"]?.status == .ok)
        let adapter = try #require(byID["adapter.hci0"])
        #expect(adapter.status == .ok)
        #expect(adapter.found.hasSuffix(", powered, roles central, peripheral"))
        #expect(byID["daemon"]?.status == .info)
        #expect(byID["daemon"]?.found.hasPrefix("not running (io.smartsetup1 has no owner)") == true)
        #expect(byID["networkmanager"]?.status == .info)
        #expect(DoctorReport(checks: checks).exitCode == 0)

        let missing = await SystemBusChecks(bus: .address(bus.address), adapter: "hci7").run(bluetoothdVersion: nil)
        let line = try #require(missing.first { $0.id == "adapters" })
        #expect(line.failure == .noController && line.found.hasPrefix("bluetoothd has no adapter hci7 (it has hci0"))
        #expect(!missing.contains { $0.id.hasPrefix("adapter.") })
    }

    @Test func aPoweredOffAdapterIsNotReady() async throws {
        let bus = try await PrivateBus.start()
        let simulator = try await SimulatedBlueZ.start(busAddress: bus.address)
        try CleanupScope.atEnd(of: "the simulator") { await simulator.stop() }
        let client = try await bus.connect()
        defer { client.close() }
        _ = try await client.call(.methodCall(
            destination: "org.bluez", path: try DBusObjectPath("/org/bluez/hci0"), interface: "org.freedesktop.DBus.Properties", member: "Set",
            body: [.string("org.bluez.Adapter1"), .string("Powered"), .variant(.boolean(false))]))
        let checks = await SystemBusChecks(bus: .address(bus.address), adapter: "hci0").run(bluetoothdVersion: nil)
        let adapter = try #require(checks.first { $0.id == "adapter.hci0" })
        #expect(adapter.status == .failed && adapter.failure == .adapterNotReady && adapter.fix == "`bluetoothctl power on`")
        #expect(DoctorReport(checks: checks).exitCode == 37)
    }

    @Test func noBluetoothdIsReportedCleanly() async throws {
        let bus = try await PrivateBus.start()
        let checks = await SystemBusChecks(bus: .address(bus.address)).run(bluetoothdVersion: nil)
        #expect(checks.map(\.id) == ["bluetoothd", "daemon", "networkmanager"])
        #expect(checks[0].found == "bluetoothd is not running (no owner of org.bluez on the system bus)")
        #expect(DoctorReport(checks: checks).exitCode == 35)

        let nowhere = await SystemBusChecks(bus: .address("unix:path=/nonexistent/bus"), timeout: .seconds(2)).run(bluetoothdVersion: nil)
        #expect(nowhere.count == 1 && nowhere[0].id == "system-bus" && nowhere[0].failure == .bluetoothdUnreachable)
    }

    /// A stand-in for the daemon owning io.smartsetup1 and answering `Version`.
    @Test func aRunningDaemonReportsItsVersion() async throws {
        let bus = try await PrivateBus.start()
        let daemon = try await bus.connect()
        defer { daemon.close() }
        daemon.setMethodCallHandler { call in
            let reply: DBusMessage = call.member == "Get" && call.body == [.string("io.smartsetup1.Manager1"), .string("Version")]
                ? .methodReturn(replyingTo: call, body: [.variant(.string("0.9.1"))])
                : .errorReply(replyingTo: call, error: DBusError(.unknownMethod, message: "no"))
            _ = try? daemon.send(reply)
        }
        _ = try await daemon.requestName("io.smartsetup1")
        let checks = await SystemBusChecks(bus: .address(bus.address)).run(bluetoothdVersion: nil)
        let line = try #require(checks.first { $0.id == "daemon" })
        #expect(line.status == .ok)
        #expect(line.found.hasSuffix(", version 0.9.1, this user may call it"))
    }
}
