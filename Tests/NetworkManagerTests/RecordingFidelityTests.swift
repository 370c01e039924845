import DBus
import Foundation
import NetworkManager
import SimulatedNetworkManager
import TestSupport
import Testing

/// The simulated NetworkManager against the recordings of real NetworkManager 1.42.4
/// (`Tests/RealNetworkManager/reference/`, made by `record.sh`).
@Suite("Simulated NetworkManager matches the recordings of real NetworkManager", .cleansUp, .timeLimit(.minutes(2)))
struct RecordingFidelityTests {
    static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../RealNetworkManager/reference").standardizedFileURL

    static func json(_ path: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: reference.appendingPathComponent(path)))
    }

    /// `{setting: {key: signature}}` of a recorded `a{sa{sv}}` reply, and its recorded type.
    static func recordedShape(_ path: String) throws -> (type: String, shape: [String: [String: String]], values: [String: [String: Any]]) {
        let root = try #require(try json(path) as? [String: Any])
        let data = try #require((root["data"] as? [Any])?.first as? [String: [String: [String: Any]]])
        var shape: [String: [String: String]] = [:]
        var values: [String: [String: Any]] = [:]
        for (setting, keys) in data {
            shape[setting] = keys.mapValues { $0["type"] as? String ?? "?" }
            values[setting] = keys.compactMapValues { $0["data"] }
        }
        return (root["type"] as? String ?? "?", shape, values)
    }

    /// The same of a reply from the simulation.
    static func shape(_ reply: DBusMessage) throws -> (type: String, shape: [String: [String: String]], settings: [String: [String: DBusValue]]) {
        let value = try #require(reply.body.first)
        var shape: [String: [String: String]] = [:]
        var settings: [String: [String: DBusValue]] = [:]
        for entry in try #require(value.dictionaryEntries) {
            let name = try #require(entry.key.string)
            let inner = try entry.value.propertyDictionary()
            settings[name] = inner
            shape[name] = inner.mapValues { DBusSignature([$0.type]).rawValue }
        }
        return (reply.signature.rawValue, shape, settings)
    }

    static let profilePaths = ["lab-wpa-psk": 1, "lab-sae-hidden": 2, "lab-open": 3, "lab-agent-psk": 4, "lab-8021x": 5, "lab-wep": 6]

    @Test("GetSettings: settings, keys and D-Bus types", arguments: ["lab-wpa-psk", "lab-sae-hidden", "lab-open", "lab-agent-psk", "lab-8021x", "lab-wep"])
    func getSettings(profile: String) async throws {
        let lab = try await Lab.start()
        let recorded = try Self.recordedShape("settings/\(profile).json")
        let reply = try await lab.call("/org/freedesktop/NetworkManager/Settings/\(Self.profilePaths[profile]!)", NetworkManagerNames.connectionInterface, "GetSettings")
        let simulated = try Self.shape(reply)
        #expect(simulated.type == recorded.type)
        #expect(simulated.shape == recorded.shape)
        let ssid = try #require(recorded.values["802-11-wireless"]?["ssid"] as? [Int])
        #expect(try simulated.settings["802-11-wireless"]?["ssid"]?.bytes() == ssid.map { UInt8($0) })
        #expect(simulated.settings["802-11-wireless"]?["hidden"]?.bool == recorded.values["802-11-wireless"]?["hidden"] as? Bool)
        #expect(simulated.settings["802-11-wireless-security"]?["key-mgmt"]?.string == recorded.values["802-11-wireless-security"]?["key-mgmt"] as? String)
    }

    @Test("GetSecrets: every setting, each with only its secrets", arguments: [
        ("lab-wpa-psk", "802-11-wireless-security", "lab-wpa-psk"), ("lab-sae-hidden", "802-11-wireless-security", "lab-sae-hidden"),
        ("lab-wep", "802-11-wireless-security", "lab-wep"), ("lab-8021x", "802-1x", "lab-8021x.802-1x"),
    ])
    func getSecrets(profile: String, setting: String, recording: String) async throws {
        let lab = try await Lab.start()
        let recorded = try Self.recordedShape("secrets/\(recording).json")
        let reply = try await lab.call(
            "/org/freedesktop/NetworkManager/Settings/\(Self.profilePaths[profile]!)", NetworkManagerNames.connectionInterface, "GetSecrets", [.string(setting)])
        let simulated = try Self.shape(reply)
        #expect(simulated.type == recorded.type)
        #expect(simulated.shape == recorded.shape)
        for (key, value) in recorded.values[setting] ?? [:] {
            #expect(simulated.settings[setting]?[key]?.string == value as? String)
        }
    }

    @Test("error names and texts", arguments: [
        ("errors/empty-setting-name.json", "lab-wpa-psk", "", true), ("errors/no-such-setting.json", "lab-wpa-psk", "802-1x", true),
        ("errors/open.GetSecrets-wireless-security.json", "lab-open", "802-11-wireless-security", true),
        ("errors/agent-psk.GetSecrets.json", "lab-agent-psk", "802-11-wireless-security", true),
        ("secrets/lab-8021x.error.json", "lab-8021x", "802-11-wireless-security", true),
        ("errors/permission-denied.polkit.json", "lab-wpa-psk", "802-11-wireless-security", false),
    ])
    func errors(recording: String, profile: String, setting: String, granted: Bool) async throws {
        let lab = try await Lab.start()
        lab.simulation.setSecretsGranted(granted)
        let recorded = try #require(try Self.json(recording) as? [String: String])
        do throws(DBusError) {
            _ = try await lab.call(
                "/org/freedesktop/NetworkManager/Settings/\(Self.profilePaths[profile]!)", NetworkManagerNames.connectionInterface, "GetSecrets", [.string(setting)])
            Issue.record("expected \(recorded["name"] ?? "")")
        } catch {
            #expect(error.name == recorded["name"])
            #expect(error.message == recorded["message"])
        }
    }

    @Test func activeConnectionPropertiesAndStateChanged() async throws {
        let lab = try await Lab.start()
        let recordedProperties = try #require(try Self.json("objects/Connection.Active.GetAll.json") as? [String: Any])
        let recordedTypes = try #require((recordedProperties["data"] as? [[String: [String: Any]]])?.first).mapValues { $0["type"] as? String ?? "?" }
        let signals = try await lab.connection.signals(matching: DBusMatchRule(interface: NetworkManagerNames.activeConnectionInterface, member: "StateChanged"))
        let path = try lab.simulation.activate("lab-wpa-psk")
        let root = try await lab.call(NetworkManagerNames.rootPath, NetworkManagerNames.propertiesInterface, "Get", [.string(NetworkManagerNames.rootInterface), .string("ActiveConnections")])
        #expect(root.body.first?.unwrappedVariant == .array(element: .objectPath, values: [.objectPath(path)]))
        let all = try await lab.call(path.rawValue, NetworkManagerNames.propertiesInterface, "GetAll", [.string(NetworkManagerNames.activeConnectionInterface)])
        let properties = try #require(try all.body.first?.propertyDictionary())
        #expect(properties.mapValues { DBusSignature([$0.type]).rawValue } == recordedTypes)
        #expect(properties["Type"] == .string("802-11-wireless"))
        #expect(properties["Connection"] == .objectPath(try DBusObjectPath("/org/freedesktop/NetworkManager/Settings/1")))
        try lab.simulation.deactivate("lab-wpa-psk")

        let recordedSignals = try #require(try Self.json("signals/Connection.Active.StateChanged.json") as? [[String: Any]])
        let recordedDown = recordedSignals.suffix(2).compactMap { ($0["payload"] as? [String: Any]) }
        #expect(recordedDown.allSatisfy { $0["type"] as? String == "uu" })
        var received: [[UInt32]] = []
        for try await signal in signals {
            #expect(signal.signature.rawValue == "uu")
            received.append(signal.body.compactMap(\.uint32))
            if received.count == 4 { break }
        }
        #expect(received == [[1, 0], [2, 0]] + recordedDown.map { ($0["data"] as? [Int] ?? []).map { UInt32($0) } })
    }

    @Test func versionIsTheRecordedOne() async throws {
        let recorded = try #require(try Self.json("version.json") as? [String: Any])
        #expect(recorded["data"] as? String == SimulatedNetworkManager.version)
    }
}
