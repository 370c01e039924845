import DBus
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
        let networks = try #require(final["Networks"])
        guard case .array(_, let values) = networks else { Issue.record("Networks is \(networks)"); return }
        let ssids = try values.map { try $0.propertyDictionary()["SSID"]?.bytes() ?? [] }.map { String(decoding: $0, as: UTF8.self) }
        #expect(Set(ssids) == ["HomeNet", "StaticOnly", "Slow"])
        let home = try values.map { try $0.propertyDictionary() }.first { $0["SSID"] == .bytes(Array("HomeNet".utf8)) }
        #expect(home?["Security"] == .string("wpa2") && home?["Channel"] == .uint16(6) && home?["Band"] == .string("2.4GHz") && home?["RSSI"] == .int16(-45))
    }
}
