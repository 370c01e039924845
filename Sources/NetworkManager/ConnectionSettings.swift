import DBus

/// The parts of a profile's `GetSettings()` / `GetSecrets()` replies (`a{sa{sv}}`) that a handoff
/// needs, decoded without I/O.
struct ConnectionSettings: Sendable {
    var id: String
    var uuid: String
    var type: String
    var ssid: [UInt8]
    var hidden: Bool
    /// `802-11-wireless-security.key-mgmt`; nil when the profile has no such setting (open).
    var keyManagement: String?

    init(settings reply: DBusValue) throws(NetworkManagerError) {
        let settings = try Self.decode(reply)
        guard let connection = settings["connection"], let id = connection["id"]?.string, let uuid = connection["uuid"]?.string,
            let type = connection["type"]?.string
        else { throw .failed("a connection's settings had no id, uuid or type") }
        self.id = id
        self.uuid = uuid
        self.type = type
        let wireless = settings[NetworkManagerNames.wirelessType] ?? [:]
        ssid = wireless["ssid"].flatMap { try? $0.bytes() } ?? []
        hidden = wireless["hidden"]?.bool ?? false
        keyManagement = settings[NetworkManagerNames.wirelessSecuritySetting]?["key-mgmt"]?.string
    }

    /// The security to send, or why there is none.
    func security() throws(NetworkManagerError) -> HostWiFiSecurity {
        switch keyManagement {
        case nil: return .open
        case "wpa-psk": return .wpa2
        case "sae": return .wpa3
        case "none", "ieee8021x": throw .unsupported(.wep)
        case "owe": throw .unsupported(.enhancedOpen)
        case "wpa-eap", "wpa-eap-suite-b-192": throw .unsupported(.enterprise)
        default: throw .failed("the Wi-Fi connection has a key management this tool does not know")
        }
    }

    /// The `psk` of a `GetSecrets("802-11-wireless-security")` reply.
    static func psk(secrets reply: DBusValue) throws(NetworkManagerError) -> String {
        guard let psk = try decode(reply)[NetworkManagerNames.wirelessSecuritySetting]?["psk"]?.string, !psk.isEmpty else {
            throw .secretNotStored
        }
        return psk
    }

    /// `a{sa{sv}}` as nested dictionaries, variants unwrapped.
    static func decode(_ reply: DBusValue) throws(NetworkManagerError) -> [String: [String: DBusValue]] {
        guard let outer = reply.dictionaryEntries else { throw .failed("a settings reply was not a{sa{sv}}") }
        var result: [String: [String: DBusValue]] = [:]
        for entry in outer {
            guard let name = entry.key.string, let inner = try? entry.value.propertyDictionary() else {
                throw .failed("a settings reply was not a{sa{sv}}")
            }
            result[name] = inner
        }
        return result
    }
}
