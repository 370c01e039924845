import DBus

/// The `a{sa{sv}}` replies of `GetSettings()` and `GetSecrets()` for a profile, with the settings,
/// keys and D-Bus types real NetworkManager 1.42.4 answers for a profile made by `nmcli connection
/// add type wifi` (`Tests/RealNetworkManager/reference/settings/`, `secrets/`).
enum ProfileSettings {
    static let security = "802-11-wireless-security"

    /// The setting names of the profile, in NetworkManager's order.
    static func settingNames(_ profile: SimulatedWiFiProfile) -> [String] {
        var names = ["connection", "802-11-wireless"]
        if profile.keyManagement != nil { names.append(security) }
        if profile.keyManagement == "wpa-eap" { names.append("802-1x") }
        names += ["ipv4", "ipv6", "proxy"]
        return names
    }

    /// `GetSettings()`: every setting without its secrets.
    static func settings(_ profile: SimulatedWiFiProfile) -> DBusValue {
        outer(settingNames(profile).map { name in (name, properties(of: name, profile)) })
    }

    /// `GetSecrets(setting)`: every setting of the profile, each holding only its secrets (the
    /// requested one's, when stored).
    static func secrets(_ profile: SimulatedWiFiProfile, setting: String) -> DBusValue {
        outer(settingNames(profile).map { name in
            guard name == setting, let secret = profile.secret else { return (name, []) }
            if name == security, let key = profile.secretKey { return (name, [(key, .string(secret))]) }
            if name == "802-1x" { return (name, [("password", .string(secret))]) }
            return (name, [])
        })
    }

    /// Whether `setting` holds a secret NetworkManager keeps in system storage.
    static func hasStoredSecret(_ profile: SimulatedWiFiProfile, setting: String) -> Bool {
        guard profile.secret != nil, profile.pskFlags & 0x3 == 0 else { return false }
        return (setting == security && profile.secretKey != nil) || (setting == "802-1x" && profile.keyManagement == "wpa-eap")
    }

    static func properties(of setting: String, _ profile: SimulatedWiFiProfile) -> [(String, DBusValue)] {
        let noDicts = DBusValue.array(element: .dictionary(key: .string, value: .variant), values: [])
        let noStrings = DBusValue.array(element: .string, values: [])
        switch setting {
        case "connection":
            return [("id", .string(profile.id)), ("permissions", noStrings), ("type", .string("802-11-wireless")), ("uuid", .string(profile.uuid))]
        case "802-11-wireless":
            var result: [(String, DBusValue)] = []
            if profile.hidden { result.append(("hidden", .boolean(true))) }
            result += [("mac-address-blacklist", noStrings), ("mode", .string("infrastructure"))]
            if profile.keyManagement != nil { result.append(("security", .string(security))) }
            result.append(("ssid", .array(element: .byte, values: profile.ssid.map { .byte($0) })))
            return result
        case security:
            var result: [(String, DBusValue)] = [("key-mgmt", .string(profile.keyManagement ?? ""))]
            if profile.pskFlags != 0 { result.append(("psk-flags", .uint32(profile.pskFlags))) }
            if profile.keyManagement == "none" { result.append(("wep-key-type", .uint32(1))) }
            return result
        case "802-1x":
            return [("eap", .array(element: .string, values: [.string("peap")])), ("identity", .string("user")), ("phase2-auth", .string("mschapv2"))]
        case "ipv4":
            return [("address-data", noDicts), ("addresses", .array(element: .array(.uint32), values: [])), ("dns-search", noStrings),
                    ("method", .string("auto")), ("route-data", noDicts), ("routes", .array(element: .array(.uint32), values: []))]
        case "ipv6":
            return [("address-data", noDicts), ("addresses", .array(element: .structure([.array(.byte), .uint32, .array(.byte)]), values: [])),
                    ("dns-search", noStrings), ("method", .string("auto")), ("route-data", noDicts),
                    ("routes", .array(element: .structure([.array(.byte), .uint32, .array(.byte), .uint32]), values: []))]
        default:
            return []
        }
    }

    static func outer(_ settings: [(String, [(String, DBusValue)])]) -> DBusValue {
        .dictionary(key: .string, value: .dictionary(key: .string, value: .variant), entries: settings.map { name, properties in
            DBusDictionaryEntry(
                key: .string(name),
                value: .dictionary(key: .string, value: .variant, entries: properties.map { DBusDictionaryEntry(key: .string($0.0), value: .variant($0.1)) }))
        })
    }
}
