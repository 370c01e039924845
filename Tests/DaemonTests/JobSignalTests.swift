import DBus
import Foundation
import SetupDaemon
import Synchronization
import Testing
import TestSupport

/// What a client following a job's `PropertiesChanged` sees.
@Suite(.cleansUp) struct JobSignalTests {
    @Test func theFinalSignalCarriesTheStateWithItsResultAndWifiScanListsTheNetworks() async throws {
        let bench = try await DaemonBench.start()
        let client = try await bench.client()
        let changes = try await client.signals(matching: DBusMatchRule(
            sender: ServiceNames.busName, pathNamespace: try DBusObjectPath(ServiceNames.jobsPath),
            interface: "org.freedesktop.DBus.Properties", member: "PropertiesChanged"))
        let job = try await client.submit("WifiScan", ["Printer": .string("3F0A"), "PIN": .string(try bench.pin())])
        var final: [String: DBusValue] = [:]
        var states: [String] = []
        for try await signal in changes where signal.path?.rawValue == job {
            let changed = try signal.body[1].propertyDictionary()
            if let state = changed["State"]?.string { states.append(state) }
            if changed["State"]?.string == "succeeded" {
                final = changed
                break
            }
        }
        #expect(states == ["scanning", "connecting", "authenticating", "sending", "succeeded"], "\(states)")
        #expect(final["ExitCode"] == .int32(0) && final["Finished"] != nil && final["Message"] != nil)
        // Error comes with the final State also on success, where it stays "".
        #expect(final["Error"] == .string(""), "\(final)")
        let networks = try #require(final["Networks"])
        guard case .array(_, let values) = networks else { Issue.record("Networks is \(networks)"); return }
        let ssids = try values.map { try $0.propertyDictionary()["SSID"]?.bytes() ?? [] }.map { String(decoding: $0, as: UTF8.self) }
        #expect(Set(ssids) == ["HomeNet", "StaticOnly", "Slow"])
        let home = try values.map { try $0.propertyDictionary() }.first { $0["SSID"] == .bytes(Array("HomeNet".utf8)) }
        #expect(home?["Security"] == .string("wpa2") && home?["Channel"] == .uint16(6) && home?["Band"] == .string("2.4GHz") && home?["RSSI"] == .int16(-45))
    }

    @Test func aFinishedJobIsRemovedAfterItsLifetimeAndStaysInTheHistory() async throws {
        var limits = DaemonLimits()
        limits.finishedJobLifetime = .seconds(1)
        let bench = try await DaemonBench.start(limits: limits)
        let client = try await bench.client()
        let removals = try await client.signals(matching: DBusMatchRule(
            sender: ServiceNames.busName, path: .root, interface: "org.freedesktop.DBus.ObjectManager", member: "InterfacesRemoved"))
        // No NetworkManager on the bench's bus: the job fails at once (nm-not-running).
        let job = try await client.submit("Pair", ["Printer": .string("3F0A"), "Button": .boolean(true), "HostNetwork": .boolean(true)])
        let done = try await client.finished(job)
        guard case .uint64(let finished)? = done["Finished"] else { Issue.record("no Finished: \(done)"); return }
        let removed = try await withThrowingTaskGroup(of: [String]?.self) { group in
            group.addTask {
                for try await signal in removals {
                    guard case .objectPath(let path)? = signal.body.first, path.rawValue == job else { continue }
                    return (try? signal.body[1].stringArray()) ?? []
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                removals.cancel()
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        let after = (Date().timeIntervalSince1970 * 1e6 - Double(finished)) / 1e6
        #expect(removed == ["org.freedesktop.DBus.Introspectable", "org.freedesktop.DBus.Properties", ServiceNames.job],
                "InterfacesRemoved for the job: \(String(describing: removed))")
        #expect(after >= 1 && after < 5, "removed \(after) s after Finished")
        do {
            _ = try await client.jobProperties(job)
            Issue.record("the removed job still answers")
        } catch let error as DBusError {
            #expect(error.name == "org.freedesktop.DBus.Error.UnknownObject", "\(error)")
        }
        let reply = try await client.callService(ServiceNames.managerPath, ServiceNames.manager, "GetHistory", [.propertyDictionary([:])])
        guard case .array(_, let records)? = reply.first else { Issue.record("GetHistory: \(reply)"); return }
        #expect(records.count == 1, "the record stays")
    }
}
