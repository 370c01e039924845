import DBus
import Foundation
import SetupDaemon
import SetupHistory
import SimulatedNetworkManager
import Synchronization
import Testing
import TestSupport

/// A fresh state directory for `serve --state-dir` (removed by the cleanup scope); `owner`
/// (a user name) gets it when given.
func stateDirectory(owner: String? = nil) async throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("smartsetup-state-\(UUID())").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
    try CleanupScope.atEnd(of: "a state directory") { try? FileManager.default.removeItem(atPath: path) }
    if let owner { #expect(try await Tool.run("chown", [owner, path], deadline: .seconds(10)).status == 0) }
    return path
}

/// `smartsetup serve` as a process over the simulated BlueZ.
@Suite(.cleansUp) struct ServeProcessTests {
    @Test func sigtermCancelsRunningAndQueuedJobsAndExitsZeroWithinFiveSeconds() async throws {
        let bench = try await DaemonBench.start(printers: 1, servingOn: nil)
        let state = try await stateDirectory()
        let serve = try RunningTool.start(
            smartsetupExecutable, ["serve", "--bus", bench.lab.busAddress, "--adapter", "hci0", "--log-level", "debug", "--state-dir", state,
                                   "--metrics-file", state + "/smartsetup.prom"],
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": bench.lab.busAddress])
        let client = try await bench.client()
        try await eventually("serve owns io.smartsetup1", within: .seconds(30)) {
            try #require(serve.isRunning, "serve exited: \(serve.stderr)")
            return try await client.nameOwner(of: ServiceNames.busName) != nil
        }
        let changes = try await client.signals(matching: DBusMatchRule(
            sender: ServiceNames.busName, pathNamespace: try DBusObjectPath("/io/smartsetup1/jobs"),
            interface: "org.freedesktop.DBus.Properties", member: "PropertiesChanged"))
        let states = Mutex<[String: [String]]>([:])
        async let collected: Void = {
            do {
                for try await signal in changes {
                    guard let path = signal.path?.rawValue, signal.body.count >= 2, let changed = try? signal.body[1].propertyDictionary(),
                        let state = changed["State"]?.string
                    else { continue }
                    states.withLock { $0[path, default: []].append(state) }
                }
            } catch {}
        }()

        // A whole pairing first, with the PIN in the request.
        let pin = try bench.pin()
        let passphrase = "correct horse battery"
        let request: [String: DBusValue] = [
            "Printer": .string("3F0A"), "SSID": .bytes(Array("HomeNet".utf8)), "Passphrase": .unixFD(passphrasePipe(Array(passphrase.utf8)).0),
        ]
        let first = try await client.submit("Pair", request.merging(["PIN": .string(pin)]) { $1 })
        let done = try await client.finished(first)
        #expect(done["State"]?.string == "succeeded", "\(done) \(serve.stderr)")
        // The metrics file for node_exporter counts it, with its phases.
        let metrics = try String(contentsOfFile: state + "/smartsetup.prom", encoding: .utf8)
        #expect(metrics.contains(#"smartsetup_jobs_total{kind="pair",outcome="succeeded",error="none"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"smartsetup_phase_reached_total{kind="pair",phase="handshake"} 1"#), "\(metrics)")
        #expect(!metrics.contains(passphrase) && !metrics.contains(pin))

        // Then one job waiting for an agent that never answers, and one queued behind it (same printer).
        let agent = try TestAgent(on: client) { member, _ throws(DBusError) in
            if member == "RequestPIN" { try? await Task.sleep(for: .seconds(60)) }
            return member == "RequestPIN" ? [.string(pin)] : []
        }
        _ = try await client.callService(ServiceNames.managerPath, ServiceNames.manager, "RegisterAgent", [.objectPath(try DBusObjectPath("/test/agent"))])
        let running = try await client.submit("Identify", ["Printer": .string("3F0A")])
        let queued = try await client.submit("Identify", ["Printer": .string("3F0A")])
        try await eventually("the agent is asked") { agent.members.contains("RequestPIN") }
        #expect(try await client.jobProperties(queued)["State"]?.string == "queued")

        let start = ContinuousClock.now
        serve.terminate()
        let status = await serve.exitStatus()
        let took = ContinuousClock.now - start
        #expect(status == 0, "\(serve.stderr)")
        #expect(took < .seconds(5), "took \(took)")
        try await Task.sleep(for: .milliseconds(200))
        changes.cancel()
        _ = await collected
        let seen = states.withLock { $0 }
        #expect(seen[running]?.last == "cancelled", "\(seen)")
        #expect(seen[queued]?.last == "cancelled", "\(seen)")
        #expect(try await client.nameOwner(of: ServiceNames.busName) == nil)

        // The three jobs are in the history (the database file holds no secret either).
        let records = try HistoryStore(readingFrom: state).records()
        #expect(records.map(\.outcome).sorted() == ["cancelled", "cancelled", "succeeded"], "\(records)")
        #expect(records.first { $0.outcome == "succeeded" }?.printerIPv4 == "192.168.1.57/24")
        let database = try Data(contentsOf: URL(fileURLWithPath: state + "/" + HistoryStore.fileName))
        for secret in [pin, passphrase] { #expect(database.range(of: Data(secret.utf8)) == nil, "a secret in the database") }

        // Every log line of the run: transitions with job, printer, adapter, state and reason; no secret.
        let log = serve.stderr
        #expect(log.contains("job=1 kind=pair printer=3F0A reason="), "\(log)")
        #expect(log.contains("state=succeeded"))
        #expect(log.contains(#"reason="the service is stopping" state=cancelled"#), "\(log)")
        for secret in [pin, String(pin.prefix(4)) + "-" + String(pin.suffix(4)), passphrase, "correct horse"] {
            #expect(!log.contains(secret), "a secret in the log")
        }
    }

    @Test func busMovesOnlyTheServicesNameBlueZAndNetworkManagerStayOnTheSystemBus() async throws {
        // The lab (BlueZ) and a simulated NetworkManager on one bus, given as the system bus; the
        // service's name on another.
        let bench = try await DaemonBench.start(printers: 1, servingOn: nil)
        let networkManager = try await SimulatedNetworkManager.start(busAddress: bench.lab.busAddress, profiles: [HostNetworkTests.home])
        try CleanupScope.atEnd(of: "the simulated NetworkManager") { await networkManager.stop() }
        try networkManager.activate("home")
        let serviceBus = try await PrivateBus.start()
        let serve = try RunningTool.start(
            smartsetupExecutable, ["serve", "--bus", serviceBus.address, "--adapter", "hci0", "--state-dir", try await stateDirectory()],
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": bench.lab.busAddress])
        let client = try await DBusConnection.open(.address(serviceBus.address))
        try CleanupScope.atEnd(of: "a client") { client.close() }
        try await eventually("serve owns io.smartsetup1 on its own bus", within: .seconds(30)) {
            try #require(serve.isRunning, "serve exited: \(serve.stderr)")
            return try await client.nameOwner(of: ServiceNames.busName) != nil
        }
        #expect(try await bench.client().nameOwner(of: ServiceNames.busName) == nil, "not on the system bus")
        let job = try await client.submit("Pair", ["Printer": .string("3F0A"), "PIN": .string(try bench.pin()), "HostNetwork": .boolean(true)])
        let done = try await client.finished(job)
        #expect(done["State"]?.string == "succeeded" && done["Address"]?.string == "192.168.1.57/24", "\(done) \(serve.stderr)")
        #expect(!serve.stderr.contains("correct horse"))
        serve.terminate()
        #expect(await serve.exitStatus() == 0)
    }

    @Test func journaldPrioritiesWhenJournalStreamIsSet() async throws {
        let bench = try await DaemonBench.start(printers: 0, servingOn: nil)
        let serve = try RunningTool.start(
            smartsetupExecutable, ["serve", "--bus", bench.lab.busAddress, "--adapter", "hci0", "--state-dir", try await stateDirectory()],
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": bench.lab.busAddress, "JOURNAL_STREAM": "8:1234"])
        let client = try await bench.client()
        try await eventually("serve owns io.smartsetup1", within: .seconds(30)) { try await client.nameOwner(of: ServiceNames.busName) != nil }
        serve.terminate()
        #expect(await serve.exitStatus() == 0)
        #expect(serve.stderr.split(separator: "\n").first?.hasPrefix("<5>serving") == true, "\(serve.stderr)")
    }

    @Test func jobsPerAdapterSetsTheLimitTheManagerShows() async throws {
        let bench = try await DaemonBench.start(printers: 0, servingOn: nil)
        let serve = try RunningTool.start(
            smartsetupExecutable,
            ["serve", "--bus", bench.lab.busAddress, "--adapter", "hci0", "--jobs-per-adapter", "1", "--state-dir", try await stateDirectory()],
            environment: ["DBUS_SYSTEM_BUS_ADDRESS": bench.lab.busAddress])
        let client = try await bench.client()
        try await eventually("serve owns io.smartsetup1", within: .seconds(30)) {
            try #require(serve.isRunning, "serve exited: \(serve.stderr)")
            return try await client.nameOwner(of: ServiceNames.busName) != nil
        }
        #expect(try await client.property(ServiceNames.managerPath, ServiceNames.manager, "JobsPerAdapter").uint32 == 1)
        serve.terminate()
        #expect(await serve.exitStatus() == 0)
        for bad in ["0", "9"] {
            let run = try await Tool.run(smartsetupExecutable, ["serve", "--jobs-per-adapter", bad], deadline: .seconds(30))
            #expect(run.status == 64 && run.stderr.contains("--jobs-per-adapter must be 1 to 8"), "\(run)")
        }
    }

    @Test func aBadLogLevelIsAUsageError() async throws {
        let run = try await Tool.run(smartsetupExecutable, ["serve", "--log-level", "loud"], deadline: .seconds(30))
        #expect(run.status == 64, "\(run)")
    }
}
