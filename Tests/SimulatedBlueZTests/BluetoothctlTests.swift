import DBus
import Foundation
import SimulatedBlueZ
import Testing
import TestSupport

@Suite("Simulated bluetoothd: bluetoothctl", .cleansUp, .timeLimit(.minutes(3)))
struct BluetoothctlTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/bluetoothctl"), "apt-get install bluez"))
    func scanConnectReadWriteNotify() async throws {
        let harness = try await SimulatorHarness.start(configuration: .init(connectionInterval: .milliseconds(5)))
        let app = try TestPeripheral(connection: harness.peripheral)
        try await app.register(on: "/org/bluez/hci1")
        // bluetoothctl (BlueZ 5.66's own client) on a pty, on the private bus through DBUS_SYSTEM_BUS_ADDRESS.
        let session = try TerminalSession("bluetoothctl", environment: ["DBUS_SYSTEM_BUS_ADDRESS": try #require(harness.simulator.busAddress)])
        defer { session.quit() }
        do {
            try await session.waitFor(["Agent registered"])
            try await session.run("select 00:AA:01:00:00:00", expecting: [])
            try await session.run("show", expecting: ["Controller 00:AA:01:00:00:00 \\(public\\)", "Powered: yes"])
            try await session.run("menu scan", expecting: ["transport"])
            try await session.run("transport le", expecting: [])
            try await session.run("uuids \(TestPeripheral.serviceUUID)", expecting: [])
            try await session.run("back", expecting: ["Menu main"])
            try await session.run("scan on", expecting: ["Discovery started", "\\[NEW\\] Device 00:AA:01:01:00:01"])
            try await session.run("scan off", expecting: ["Discovery stopped"])
            try await session.run("devices", expecting: ["Device 00:AA:01:01:00:01 smartsetup"])
            try await session.run("info 00:AA:01:01:00:01", expecting: ["\\(5e7a0001-5e7a-4f00-8000-00805f9b34fb\\)", "ManufacturerData Key: 0xffff"])
            try await session.run("connect 00:AA:01:01:00:01", expecting: ["Connection successful", "ServicesResolved: yes"])
            try await session.run("menu gatt", expecting: ["list-attributes"])
            try await session.run("list-attributes 00:AA:01:01:00:01", expecting: [
                "5e7a0002-5e7a-4f00-8000-00805f9b34fb", "5e7a0003-5e7a-4f00-8000-00805f9b34fb", "5e7a0004-5e7a-4f00-8000-00805f9b34fb",
            ])
            try await session.run("select-attribute 5e7a0002-5e7a-4f00-8000-00805f9b34fb", expecting: ["/char0016\\]# "])
            try await session.run("read", expecting: ["smartsetup-read"])
            try await session.run("attribute-info", expecting: ["Flags: read"])
            try await session.run("select-attribute 5e7a0004-5e7a-4f00-8000-00805f9b34fb", expecting: ["/char001c\\]# "])
            try await session.run("notify on", expecting: ["Notify started|Notifying: yes"])
            try await session.run("select-attribute 5e7a0003-5e7a-4f00-8000-00805f9b34fb", expecting: ["/char0019\\]# "])
            try await session.run("write \"0x68 0x69\"", expecting: ["Attempting to write"])
            try await eventually("the write to reach the application") { app.recorded("WriteValue").map(\.value).contains([0x68, 0x69]) }
            try app.notify([0x6F, 0x6B])
            try await eventually("the simulator's notification") {
                harness.log.changes(of: "Value", at: "/org/bluez/hci0/dev_00_AA_01_01_00_01/service0015/char001c").contains(.bytes([0x6F, 0x6B]))
            }
            // bluetoothctl 5.66 does not print this change by itself (neither against real
            // bluetoothd: see the VM tier's bluetoothctl recording); its cached Value shows it.
            try await session.run("select-attribute 5e7a0004-5e7a-4f00-8000-00805f9b34fb", expecting: ["/char001c\\]# "])
            try await session.run("attribute-info", expecting: ["Notifying: yes", "6f 6b +ok"])
            try await session.run("notify off", expecting: ["Notify stopped|Notifying: no"])
            try await session.run("back", expecting: ["Menu main"])
            try await session.run("disconnect 00:AA:01:01:00:01", expecting: ["Successful disconnected", "Connected: no"])
            try await session.run("remove 00:AA:01:01:00:01", expecting: ["Device has been removed"])
        } catch {
            Issue.record("bluetoothctl transcript:\n\(session.transcript)")
            throw error
        }
    }
}
