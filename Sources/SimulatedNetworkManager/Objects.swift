import DBus

extension SimulatedNetworkManager {
    static let rootInterface = "org.freedesktop.NetworkManager"
    static let settingsInterface = "org.freedesktop.NetworkManager.Settings"
    static let connectionInterface = "org.freedesktop.NetworkManager.Settings.Connection"
    static let activeInterface = "org.freedesktop.NetworkManager.Connection.Active"

    static func profilePath(_ index: Int) throws(DBusError) -> DBusObjectPath {
        try DBusObjectPath("/org/freedesktop/NetworkManager/Settings/\(index + 1)")
    }

    /// Exports the root object, the settings object and one object per profile (numbered from 1,
    /// as NetworkManager numbers them).
    func publish() throws(DBusError) {
        let profileCount = state.withLock { $0.profiles.count }
        let profilePaths = try (0..<profileCount).map { (index) throws(DBusError) in try Self.profilePath(index) }
        try server.register([rootInterface()], at: try DBusObjectPath("/org/freedesktop/NetworkManager"))
        try server.register([settingsInterface(profilePaths)], at: try DBusObjectPath("/org/freedesktop/NetworkManager/Settings"))
        for index in 0..<profileCount {
            try server.register([connectionInterface(index)], at: profilePaths[index])
        }
    }

    func rootInterface() -> DBusExportedInterface {
        DBusExportedInterface(
            Self.rootInterface,
            properties: [
                DBusExportedProperty("Version", type: .string, emitsChanged: .constant) { _ in .string(Self.version) },
                DBusExportedProperty("ActiveConnections", type: .array(.objectPath)) { [weak self] _ throws(DBusError) in
                    let active = self?.state.withLock { $0.active } ?? []
                    return .array(element: .objectPath, values: try active.map { (a) throws(DBusError) in .objectPath(try a.path()) })
                },
            ])
    }

    func settingsInterface(_ paths: [DBusObjectPath]) -> DBusExportedInterface {
        let list = DBusValue.array(element: .objectPath, values: paths.map { .objectPath($0) })
        return DBusExportedInterface(
            Self.settingsInterface,
            methods: [DBusExportedMethod("ListConnections", outputs: [.init("connections", .array(.objectPath))]) { _ in [list] }],
            properties: [DBusExportedProperty("Connections", type: .array(.objectPath)) { _ in list }])
    }

    func connectionInterface(_ index: Int) -> DBusExportedInterface {
        let settingsType = DBusType.dictionary(key: .string, value: .dictionary(key: .string, value: .variant))
        return DBusExportedInterface(
            Self.connectionInterface,
            methods: [
                DBusExportedMethod("GetSettings", outputs: [.init("settings", settingsType)]) { [weak self] _ throws(DBusError) in
                    guard let profile = self?.state.withLock({ $0.profiles[index] }) else { throw DBusError(.disconnected, message: "stopped") }
                    return [ProfileSettings.settings(profile)]
                },
                DBusExportedMethod("GetSecrets", inputs: [.init("setting_name", .string)], outputs: [.init("secrets", settingsType)]) {
                    [weak self] invocation throws(DBusError) in
                    guard let self, let setting = invocation.arguments.first?.string else { throw DBusError(.invalidArguments, message: "expected (s)") }
                    let (profile, granted) = state.withLock { ($0.profiles[index], $0.secretsGranted) }
                    return [try Self.secretsReply(profile, setting: setting, granted: granted)]
                },
            ],
            properties: [
                DBusExportedProperty("Unsaved", type: .boolean) { _ in .boolean(false) },
                DBusExportedProperty("Flags", type: .uint32) { _ in .uint32(0) },
                DBusExportedProperty("Filename", type: .string) { [weak self] _ in
                    .string("/etc/NetworkManager/system-connections/\(self?.state.withLock { $0.profiles[index].id } ?? "").nmconnection")
                },
            ])
    }

    /// `GetSecrets(setting)` as NetworkManager 1.42.4 answers it: authorisation first, then the
    /// setting's existence (`SettingNotFound`, also for the empty name), then the secret
    /// (`AgentManager.NoSecrets` when no system-stored secret exists and no agent is registered).
    static func secretsReply(_ profile: SimulatedWiFiProfile, setting: String, granted: Bool) throws(DBusError) -> DBusValue {
        guard granted else {
            throw DBusError(errorName: "org.freedesktop.NetworkManager.Settings.PermissionDenied", message: "Insufficient privileges")
        }
        guard ProfileSettings.settingNames(profile).contains(setting) else {
            throw DBusError(
                errorName: "org.freedesktop.NetworkManager.Settings.Connection.SettingNotFound",
                message: "Connection didn't have requested setting '\(setting)'.")
        }
        guard ProfileSettings.hasStoredSecret(profile, setting: setting) else {
            throw DBusError(errorName: "org.freedesktop.NetworkManager.AgentManager.NoSecrets", message: "No agents were available for this request.")
        }
        return ProfileSettings.secrets(profile, setting: setting)
    }

    func activeConnectionInterface(number: Int) -> DBusExportedInterface {
        func value(_ read: @escaping @Sendable (NetworkManagerState, ActiveConnection) throws(DBusError) -> DBusValue) -> DBusExportedProperty.Getter {
            { [weak self] _ throws(DBusError) in
                guard let self else { throw DBusError(.unknownObject, message: "stopped") }
                let snapshot = state.withLock { state in (state, state.active.first { $0.number == number }) }
                guard let active = snapshot.1 else { throw DBusError(.unknownObject, message: "no such active connection") }
                return try read(snapshot.0, active)
            }
        }
        let root = DBusValue.objectPath(.root)
        return DBusExportedInterface(
            Self.activeInterface,
            properties: [
                DBusExportedProperty("Connection", type: .objectPath, get: value { _, a throws(DBusError) in .objectPath(try Self.profilePath(a.profileIndex)) }),
                DBusExportedProperty("SpecificObject", type: .objectPath) { _ in root },
                DBusExportedProperty("Id", type: .string, get: value { s, a in .string(s.profiles[a.profileIndex].id) }),
                DBusExportedProperty("Uuid", type: .string, get: value { s, a in .string(s.profiles[a.profileIndex].uuid) }),
                DBusExportedProperty("Type", type: .string) { _ in .string("802-11-wireless") },
                DBusExportedProperty("Devices", type: .array(.objectPath)) { _ throws(DBusError) in
                    .array(element: .objectPath, values: [.objectPath(try DBusObjectPath("/org/freedesktop/NetworkManager/Devices/2"))])
                },
                DBusExportedProperty("State", type: .uint32, get: value { _, a in .uint32(a.state) }),
                DBusExportedProperty("StateFlags", type: .uint32) { _ in .uint32(0) },
                DBusExportedProperty("Default", type: .boolean) { _ in .boolean(true) },
                DBusExportedProperty("Ip4Config", type: .objectPath) { _ in root },
                DBusExportedProperty("Dhcp4Config", type: .objectPath) { _ in root },
                DBusExportedProperty("Default6", type: .boolean) { _ in .boolean(false) },
                DBusExportedProperty("Ip6Config", type: .objectPath) { _ in root },
                DBusExportedProperty("Dhcp6Config", type: .objectPath) { _ in root },
                DBusExportedProperty("Vpn", type: .boolean) { _ in .boolean(false) },
                DBusExportedProperty("Controller", type: .objectPath) { _ in root },
                DBusExportedProperty("Master", type: .objectPath) { _ in root },
            ],
            signals: [DBusExportedSignal("StateChanged", arguments: [.init("state", .uint32), .init("reason", .uint32)])])
    }
}
