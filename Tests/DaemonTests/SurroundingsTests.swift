import DBus
import SetupDaemon
import Testing
import TestSupport

/// The daemon and a bluetoothd that restarts under it (the simulated one).
@Suite(.cleansUp) struct SurroundingsTests {
    @Test func afterBluetoothdRestartsTheDaemonKeepsDiscoveringAndTheNextJobSucceeds() async throws {
        let bench = try await DaemonBench.start()
        let client = try await bench.client()
        func printers() async throws -> Int {
            try await client.callService("/", "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")[0].managedObjects().keys
                .filter { $0.rawValue.hasPrefix("/io/smartsetup1/printers/") }.count
        }
        _ = try await client.callService(ServiceNames.managerPath, ServiceNames.manager, "StartDiscovery")
        try await eventually("the printer appears", within: .seconds(20), every: .milliseconds(100)) { try await printers() == 1 }
        try await bench.lab.simulator.faults.restartBluetoothd()
        // The emulated printer registers again with the new bluetoothd by itself, and the
        // daemon's next job, straight after the restart, reaches it.
        let pin = try bench.pin()
        let done = try await client.finished(try await client.submit("Reset", ["Printer": .string("3F0A"), "PIN": .string(pin), "Timeout": .double(20)]))
        #expect(done["State"]?.string == "succeeded", "\(done)")
        #expect(try await client.property(ServiceNames.managerPath, ServiceNames.manager, "Discovering") == .boolean(true))
        #expect(!bench.logs.all.contains { $0.contains("lost the bus") })
    }
}
