import DBus
import SetupDaemon
import SetupProtocol
import Testing
import TestSupport

/// The io.smartsetup1 API over the simulated BlueZ, with the daemon in process.
@Suite(.cleansUp) struct ManagerOverLabTests {
    private let passphrase = "correct horse battery"

    private func pairRequest(_ extra: [String: DBusValue] = [:]) -> [String: DBusValue] {
        [
            "Printer": .string("3F0A"), "SSID": .bytes(Array("HomeNet".utf8)), "Security": .string("wpa2"),
            "Passphrase": .unixFD(passphrasePipe(Array(passphrase.utf8)).0), "Timeout": .double(60),
        ].merging(extra) { $1 }
    }

    private func errorName(_ body: () async throws -> Void) async -> DBusError? {
        do {
            try await body()
            return nil
        } catch let error as DBusError {
            return error
        } catch {
            return nil
        }
    }

    @Test func pairWithThePINInTheRequest() async throws {
        let bench = try await DaemonBench.start()
        let client = try await bench.client()
        let job = try await client.submit("Pair", pairRequest(["PIN": .string(try bench.pin())]))
        #expect(job == "/io/smartsetup1/jobs/1")
        let done = try await client.finished(job)
        #expect(done["State"]?.string == "succeeded", "\(done)")
        #expect(done["Address"]?.string == "192.168.1.57/24")
        #expect(done["ExitCode"] == .int32(0) && done["Error"]?.string == "")
        #expect(done["Printer"]?.string == "3F0A" && done["Adapter"]?.string == "hci0" && done["Kind"]?.string == "pair")
        #expect(done["Owner"]?.string == client.uniqueName)
        guard case .uint64(let started) = done["Started"], case .uint64(let finished) = done["Finished"] else { Issue.record("times"); return }
        #expect(started > 0 && finished >= started)
        // One line per transition, none with a secret.
        let transitions = bench.logs.all.filter { $0.contains("job=1 ") }
        for state in ["queued", "scanning", "connecting", "authenticating", "sending", "joining", "succeeded"] {
            #expect(transitions.contains { $0.contains("state=\(state)") }, "\(state) missing in \(transitions)")
        }
        let pin = try bench.pin()
        #expect(!bench.logs.all.contains { $0.contains(passphrase) || $0.contains(pin) || $0.contains(String(pin.prefix(4)) + "-") })
    }

    @Test func pairThroughTheAgentWithAWrongPINThenTheRightOne() async throws {
        let bench = try await DaemonBench.start()
        let client = try await bench.client()
        let right = try bench.pin()
        let wrong = wrongPIN(not: bench.lab.printers[0].presentedPIN).revealedForDisplay()
        let agent = try TestAgent(on: client) { member, arguments throws(DBusError) in
            guard member == "RequestPIN", case .uint32(let attempt) = arguments[2] else { return [] }
            return [.string(attempt == 1 ? wrong : right)]
        }
        _ = try await client.callService(ServiceNames.managerPath, ServiceNames.manager, "RegisterAgent", [.objectPath(try DBusObjectPath("/test/agent"))])
        let job = try await client.submit("Pair", pairRequest())
        let done = try await client.finished(job)
        #expect(done["State"]?.string == "succeeded", "\(done)")
        #expect(done["Attempt"] == .uint32(2))
        let asked = agent.log.entries.withLock { $0.filter { $0.0 == "RequestPIN" }.map { $0.1 } }
        #expect(asked.count == 2)
        #expect(asked.first?[0] == .objectPath(try DBusObjectPath(job)) && asked.first?[1] == .string("3F0A") && asked.first?[2] == .uint32(1))
        #expect(asked.last?[2] == .uint32(2))
        #expect(!bench.logs.all.contains { $0.contains(right) || $0.contains(wrong) || $0.contains(passphrase) })
    }

    @Test func withoutAnAgentAJobThatNeedsAPINFailsWithNoAgent() async throws {
        let bench = try await DaemonBench.start()
        let client = try await bench.client()
        let done = try await client.finished(try await client.submit("Identify", ["Printer": .string("3F0A")]))
        #expect(done["State"]?.string == "failed" && done["Error"]?.string == "no-agent" && done["ExitCode"] == .int32(54), "\(done)")
    }

    @Test func aBadRequestIsRefusedAtOnceWithInvalidArguments() async throws {
        let bench = try await DaemonBench.start()
        let client = try await bench.client()
        let error = await errorName { _ = try await client.submit("Pair", pairRequest(["SSID": .bytes([])])) }
        #expect(error?.name == "io.smartsetup1.Error.InvalidArguments")
        #expect(error?.message == "SSID: must be 1 to 32 octets")
        let unknown = await errorName { _ = try await client.submit("Reset", ["Colour": .string("red")]) }
        #expect(unknown?.message.hasPrefix("Colour: unknown key") == true)
        #expect(try await client.property(ServiceNames.managerPath, ServiceNames.manager, "QueuedJobs") == .uint32(0))
    }

    @Test func aFloodIsRefusedWithBusyOnceTheQueueIsFull() async throws {
        var limits = DaemonLimits()
        limits.maxQueuedJobs = 3
        limits.jobsPerAdapter = 1
        let bench = try await DaemonBench.start(limits: limits)
        let client = try await bench.client()
        // A printer nobody has: each job scans for its whole scan time, so the queue fills.
        let request: [String: DBusValue] = ["Printer": .string("FFFF"), "Button": .boolean(true)]
        var accepted: [String] = []
        var busy: DBusError?
        for _ in 0..<10 {
            if let error = await errorName({ accepted.append(try await client.submit("Reset", request)) }) {
                busy = error
                break
            }
        }
        #expect(busy?.name == "io.smartsetup1.Error.Busy", "\(String(describing: busy))")
        #expect(accepted.count == 4)  // one running, three queued
        #expect(try await client.property(ServiceNames.managerPath, ServiceNames.manager, "QueuedJobs") == .uint32(3))
        #expect(try await client.property(ServiceNames.managerPath, ServiceNames.manager, "RunningJobs") == .uint32(1))
        // Queued jobs can be cancelled; one then fits again.
        _ = try await client.callService(accepted[3], ServiceNames.job, "Cancel")
        let cancelled = try await client.jobProperties(accepted[3])
        #expect(cancelled["State"]?.string == "cancelled" && cancelled["Error"]?.string == "cancelled" && cancelled["ExitCode"] == .int32(50))
        _ = try await client.submit("Reset", request)
    }

    @Test func anAgentThatLeavesTheBusFailsItsJobClearly() async throws {
        let bench = try await DaemonBench.start()
        let client = try await bench.client()
        let agentConnection = try await bench.client()
        _ = try TestAgent(on: agentConnection) { member, _ throws(DBusError) in
            if member == "RequestPIN" { agentConnection.close() }
            return [.string("00000000")]
        }
        _ = try await agentConnection.callService(ServiceNames.managerPath, ServiceNames.manager, "RegisterAgent", [.objectPath(try DBusObjectPath("/test/agent"))])
        let job = try await agentConnection.submit("Pair", pairRequest())
        let done = try await client.finished(job)
        #expect(done["State"]?.string == "failed" && done["Error"]?.string == "no-agent", "\(done)")
        #expect(done["Message"]?.string?.contains("agent") == true)
    }

    @Test func cancelStopsARunningJobAndWithdrawsTheAgentsRequest() async throws {
        let bench = try await DaemonBench.start()
        let client = try await bench.client()
        let other = try await bench.client()
        let agent = try TestAgent(on: client) { member, _ throws(DBusError) in
            if member == "RequestPIN" { try? await Task.sleep(for: .seconds(20)) }
            return member == "RequestPIN" ? [.string("00000000")] : []
        }
        _ = try await client.callService(ServiceNames.managerPath, ServiceNames.manager, "RegisterAgent", [.objectPath(try DBusObjectPath("/test/agent"))])
        let job = try await client.submit("Pair", pairRequest())
        try await eventually("the agent is asked") { agent.members.contains("RequestPIN") }
        let refused = await errorName { _ = try await other.callService(job, ServiceNames.job, "Cancel") }
        #expect(refused?.name == "io.smartsetup1.Error.NotAuthorized")
        let start = ContinuousClock.now
        _ = try await client.callService(job, ServiceNames.job, "Cancel")
        let done = try await client.finished(job, within: .seconds(10))
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(done["State"]?.string == "cancelled" && done["Message"]?.string == "cancelled by its requester", "\(done)")
        try await eventually("the agent hears Cancel") { agent.members.contains("Cancel") }
        _ = try await client.callService(job, ServiceNames.job, "Cancel")  // idempotent
    }

    @Test func discoverySharesAreCountedPerCallerAndDroppedWhenItLeaves() async throws {
        let bench = try await DaemonBench.start()
        let a = try await bench.client()
        let b = try await bench.client()
        let manager = ServiceNames.managerPath
        func discovering() async throws -> Bool { try await a.property(manager, ServiceNames.manager, "Discovering") == .boolean(true) }
        _ = try await a.callService(manager, ServiceNames.manager, "StartDiscovery")
        _ = try await a.callService(manager, ServiceNames.manager, "StartDiscovery")
        _ = try await b.callService(manager, ServiceNames.manager, "StartDiscovery")
        #expect(try await discovering())
        // The printer appears as a Printer1 object.
        var printer: [String: DBusValue] = [:]
        try await eventually("the printer appears", within: .seconds(20), every: .milliseconds(100)) {
            let objects = try await a.callService("/", "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")[0].managedObjects()
            printer = objects.first { $0.key.rawValue.hasPrefix("/io/smartsetup1/printers/dev_") }?.value[ServiceNames.printer] ?? [:]
            return !printer.isEmpty
        }
        #expect(printer["ShortId"]?.string == "3F0A" && printer["AuthMethod"]?.string == "display" && printer["Adapter"]?.string == "hci0")
        b.close()  // b leaves the bus: its share goes; a's two stay
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await discovering())
        _ = try await a.callService(manager, ServiceNames.manager, "StopDiscovery")
        #expect(try await discovering())
        _ = try await a.callService(manager, ServiceNames.manager, "StopDiscovery")
        #expect(try await !discovering())
        let error = await errorName { _ = try await a.callService(manager, ServiceNames.manager, "StopDiscovery") }
        #expect(error?.name == "io.smartsetup1.Error.NotDiscovering")
        // A caller that leaves drops every share it held.
        let c = try await bench.client()
        _ = try await c.callService(manager, ServiceNames.manager, "StartDiscovery")
        #expect(try await discovering())
        c.close()
        try await eventually("discovery stops when its only caller left") { try await !discovering() }
    }

    @Test func agentsAreOnePerCaller() async throws {
        let bench = try await DaemonBench.start()
        let client = try await bench.client()
        let path = DBusValue.objectPath(try DBusObjectPath("/test/agent"))
        _ = try await client.callService(ServiceNames.managerPath, ServiceNames.manager, "RegisterAgent", [path])
        let twice = await errorName { _ = try await client.callService(ServiceNames.managerPath, ServiceNames.manager, "RegisterAgent", [path]) }
        #expect(twice?.name == "io.smartsetup1.Error.AlreadyExists")
        _ = try await client.callService(ServiceNames.managerPath, ServiceNames.manager, "UnregisterAgent", [path])
        let gone = await errorName { _ = try await client.callService(ServiceNames.managerPath, ServiceNames.manager, "UnregisterAgent", [path]) }
        #expect(gone?.name == "io.smartsetup1.Error.DoesNotExist")
    }
}
