import DBus
import SetupDaemon
import Testing
import TestSupport

/// `Manager1.GetHistory` over the daemon's SQLite history.
@Suite(.cleansUp) struct HistoryOverBusTests {
    private func history(_ client: DBusConnection, _ filter: [String: DBusValue]) async throws -> [[String: DBusValue]] {
        let reply = try await client.callService(ServiceNames.managerPath, ServiceNames.manager, "GetHistory", [.propertyDictionary(filter)])
        guard case .array(_, let values)? = reply.first else { throw DBusError(.typeMismatch, message: "not aa{sv}") }
        return try values.map { try $0.propertyDictionary() }
    }

    @Test func finishedJobsAreRecordedAndFiltered() async throws {
        let bench = try await DaemonBench.start()
        let client = try await bench.client()
        let wrong = TestSupport.wrongPIN(not: bench.lab.printers[0].presentedPIN).revealedForDisplay()
        let failed = try await client.finished(try await client.submit("Identify", ["Printer": .string("3F0A"), "PIN": .string(wrong)]))
        #expect(failed["Error"]?.string == "wrong-pin")
        let paired = try await client.finished(try await client.submit("Pair", [
            "Printer": .string("3F0A"), "PIN": .string(try bench.pin()), "SSID": .bytes(Array("HomeNet".utf8)),
            "Passphrase": .unixFD(passphrasePipe(Array("correct horse battery".utf8)).0),
        ]))
        #expect(paired["State"]?.string == "succeeded")
        var records: [[String: DBusValue]] = []
        try await eventually("both jobs recorded") {
            records = try await history(client, [:])
            return records.count == 2
        }
        let newest = records[0]
        #expect(newest["Kind"]?.string == "pair" && newest["Outcome"]?.string == "succeeded" && newest["ShortId"]?.string == "3F0A")
        #expect(newest["SSID"] == .bytes(Array("HomeNet".utf8)) && newest["IPAddress"]?.string == "192.168.1.57/24" && newest["Error"] == nil)
        #expect(newest["Address"]?.string == paired["PrinterAddress"]?.string)
        guard case .double(let duration)? = newest["Duration"] else { Issue.record("no Duration"); return }
        #expect(duration > 0)
        let phases = try #require(newest["Phases"])
        guard case .dictionary(_, _, let entries) = phases else { Issue.record("Phases is \(phases)"); return }
        #expect(Set(entries.compactMap { $0.key.string }).isSuperset(of: ["scanning", "connecting", "authenticating", "sending", "joining"]))
        let onlyFailed = try await history(client, ["Outcome": .string("failed")])
        #expect(onlyFailed.count == 1 && onlyFailed.first?["Error"]?.string == "wrong-pin" && onlyFailed.first?["Kind"]?.string == "identify")
        #expect(try await history(client, ["Limit": .uint32(1)]).count == 1)
        #expect(try await history(client, ["Printer": .string("FFFF")]).isEmpty)
        do {
            _ = try await history(client, ["Limit": .uint32(0)])
            Issue.record("Limit 0 was accepted")
        } catch let error as DBusError {
            #expect(error.name == "io.smartsetup1.Error.InvalidArguments" && error.message == "Limit: must be 1 to 1000 (u)")
        }
    }
}
