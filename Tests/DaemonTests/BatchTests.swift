import DBus
import SetupDaemon
import Testing
import TestSupport

/// A batch: jobs queue, run in parallel on several adapters, first come first served.
@Suite(.cleansUp) struct BatchTests {
    @Test func threePrintersOnTwoAdaptersOneJobEach() async throws {
        var limits = DaemonLimits()
        limits.jobsPerAdapter = 1
        let bench = try await DaemonBench.start(printers: 3, freeAdapters: 2, limits: limits, servingOn: ["hci0", "hci4"])
        let client = try await bench.client()
        var jobs: [String] = []
        for index in 0..<3 {
            jobs.append(try await client.submit("Pair", [
                "Printer": .string(["3F0A", "3F0B", "3F0C"][index]), "PIN": .string(try bench.pin(index)),
                "SSID": .bytes(Array("HomeNet".utf8)), "Passphrase": .unixFD(passphrasePipe(Array("correct horse battery".utf8)).0),
            ]))
        }
        // Two adapters with one slot each: the third waits.
        #expect(try await client.property(ServiceNames.managerPath, ServiceNames.manager, "RunningJobs") == .uint32(2))
        #expect(try await client.jobProperties(jobs[2])["State"]?.string == "queued")
        var adapters: [String] = []
        for job in jobs {
            let done = try await client.finished(job)
            #expect(done["State"]?.string == "succeeded", "\(done)")
            adapters.append(done["Adapter"]?.string ?? "")
        }
        #expect(Set(adapters.prefix(2)) == ["hci0", "hci4"], "\(adapters)")
    }
}
