import DBus
import SetupDaemon
import SetupProtocol
import Testing
import TestSupport

/// The agent's other calls and the printer objects' lifetime, over the simulated BlueZ.
@Suite(.cleansUp) struct AgentFlowTests {
    @Test func aButtonPrinterIsConfirmedThroughTheAgent() async throws {
        let bench = try await DaemonBench.start(auth: .button)
        let client = try await bench.client()
        let agent = try TestAgent(on: client) { _, _ throws(DBusError) in [] }
        _ = try await client.callService(ServiceNames.managerPath, ServiceNames.manager, "RegisterAgent", [.objectPath(try DBusObjectPath("/test/agent"))])
        let done = try await client.finished(try await client.submit("Identify", ["Printer": .string("3F0A")]))
        #expect(done["State"]?.string == "succeeded", "\(done)")
        let confirm = agent.log.entries.withLock { $0.first { $0.0 == "ConfirmButton" }?.1 }
        #expect(confirm?[1] == .string("3F0A"))
        #expect(!agent.members.contains("RequestPIN"))
    }

    @Test func anAgentThatDeclinesCancelsTheJob() async throws {
        let bench = try await DaemonBench.start()
        let client = try await bench.client()
        _ = try TestAgent(on: client) { _, _ throws(DBusError) in throw DBusError(errorName: ServiceNames.ErrorName.canceled, message: "no") }
        _ = try await client.callService(ServiceNames.managerPath, ServiceNames.manager, "RegisterAgent", [.objectPath(try DBusObjectPath("/test/agent"))])
        let done = try await client.finished(try await client.submit("Reset", ["Printer": .string("3F0A")]))
        #expect(done["State"]?.string == "cancelled" && done["Error"]?.string == "cancelled", "\(done)")
    }

    @Test func aRejectedPassphraseIsCorrectedThroughTheAgentInTheSameSession() async throws {
        let bench = try await DaemonBench.start()
        let client = try await bench.client()
        let pin = try bench.pin()
        let agent = try TestAgent(on: client) { member, _ throws(DBusError) in
            member == "RequestPassphrase" ? [.unixFD(passphrasePipe(Array("correct horse battery".utf8)).0)] : []
        }
        _ = try await client.callService(ServiceNames.managerPath, ServiceNames.manager, "RegisterAgent", [.objectPath(try DBusObjectPath("/test/agent"))])
        let job = try await client.submit("Pair", [
            "Printer": .string("3F0A"), "PIN": .string(pin), "SSID": .bytes(Array("HomeNet".utf8)),
            "Passphrase": .unixFD(passphrasePipe(Array("not the passphrase".utf8)).0),
        ])
        let done = try await client.finished(job)
        #expect(done["State"]?.string == "succeeded" && done["Address"]?.string == "192.168.1.57/24", "\(done)")
        let asked = agent.log.entries.withLock { $0.first { $0.0 == "RequestPassphrase" }?.1 }
        #expect(asked?[1] == .bytes(Array("HomeNet".utf8)))
        #expect(!bench.logs.all.contains { $0.contains("not the passphrase") || $0.contains("correct horse") })
    }

    @Test func aPrinterNoLongerHeardDisappears() async throws {
        var limits = DaemonLimits()
        limits.printerLifetime = .seconds(1)
        let bench = try await DaemonBench.start(limits: limits)
        let client = try await bench.client()
        func printers() async throws -> [DBusObjectPath] {
            try await client.callService("/", "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")[0].managedObjects().keys
                .filter { $0.rawValue.hasPrefix("/io/smartsetup1/printers/") }
        }
        _ = try await client.callService(ServiceNames.managerPath, ServiceNames.manager, "StartDiscovery")
        try await eventually("the printer appears", within: .seconds(20), every: .milliseconds(100)) { try await printers().count == 1 }
        // The printer's adapter goes away: it is no longer heard.
        #expect(await bench.lab.simulator.faults.removeAdapter(1))
        try await eventually("the printer disappears", within: .seconds(20), every: .milliseconds(100)) { try await printers().isEmpty }
    }
}
