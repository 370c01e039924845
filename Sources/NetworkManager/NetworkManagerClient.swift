import DBus

/// Reads the host's Wi-Fi network from NetworkManager over D-Bus: the active `802-11-wireless`
/// connection (or a saved profile by id or UUID), its SSID, hidden flag and `key-mgmt` from
/// `GetSettings()`, its PSK from `GetSecrets("802-11-wireless-security")`.
///
/// It only reads: it never activates, changes or stores anything. Every call has `timeout`.
public struct NetworkManagerClient: Sendable {
    let connection: DBusConnection
    let timeout: Duration

    /// A client over `connection` (the system bus, or the bus of a simulated NetworkManager).
    public init(connection: DBusConnection, timeout: Duration = .seconds(10)) {
        self.connection = connection
        self.timeout = timeout
    }

    /// The network of the selected profile with its passphrase. Throws a ``NetworkManagerError``
    /// for every way this can fail (see ``NetworkManagerError/Kind``); never returns a half
    /// configuration.
    public func hostWiFi(_ selection: HostWiFiSelection = .active) async throws(NetworkManagerError) -> HostWiFiNetwork {
        let (path, settings) = switch selection {
        case .active: try await activeWiFiProfile()
        case .saved(let key): try await savedWiFiProfile(key)
        }
        let security = try settings.security()
        guard !settings.ssid.isEmpty, settings.ssid.count <= 32 else { throw .failed("the Wi-Fi connection's SSID is empty or longer than 32 octets") }
        var passphrase: String?
        if security != .open {
            let reply = try await call(path, NetworkManagerNames.connectionInterface, "GetSecrets", [.string(NetworkManagerNames.wirelessSecuritySetting)])
            passphrase = try ConnectionSettings.psk(secrets: try single(reply))
        }
        return HostWiFiNetwork(ssid: settings.ssid, security: security, passphrase: passphrase, hidden: settings.hidden)
    }

    /// The settings path and settings of the one active Wi-Fi connection.
    func activeWiFiProfile() async throws(NetworkManagerError) -> (DBusObjectPath, ConnectionSettings) {
        let active = try await property(try path(NetworkManagerNames.rootPath), NetworkManagerNames.rootInterface, "ActiveConnections")
        guard let activePaths = try? active.objectPathArray() else { throw .failed("ActiveConnections was not an array of object paths") }
        var wifi: [DBusObjectPath] = []
        for activePath in activePaths {
            let type = try await property(activePath, NetworkManagerNames.activeConnectionInterface, "Type")
            guard type.string == NetworkManagerNames.wirelessType else { continue }
            guard let profile = try await property(activePath, NetworkManagerNames.activeConnectionInterface, "Connection").objectPath else {
                throw .failed("an active connection's Connection was not an object path")
            }
            wifi.append(profile)
        }
        guard let profile = wifi.first else { throw .noWiFiActive }
        guard wifi.count == 1 else { throw .severalActive(wifi.count) }
        return (profile, try await settings(of: profile))
    }

    /// The settings path and settings of the saved Wi-Fi profile whose id or UUID is `key`.
    func savedWiFiProfile(_ key: String) async throws(NetworkManagerError) -> (DBusObjectPath, ConnectionSettings) {
        let reply = try await call(try path(NetworkManagerNames.settingsPath), NetworkManagerNames.settingsInterface, "ListConnections", [])
        guard let profiles = try? single(reply).objectPathArray() else { throw .failed("ListConnections did not answer an array of object paths") }
        var byID: [(DBusObjectPath, ConnectionSettings)] = []
        for profile in profiles {
            let settings = try await settings(of: profile)
            guard settings.type == NetworkManagerNames.wirelessType else { continue }
            if settings.uuid == key { return (profile, settings) }
            if settings.id == key { byID.append((profile, settings)) }
        }
        guard let found = byID.first else { throw .connectionNotFound }
        guard byID.count == 1 else { throw .severalActive(byID.count).with(message: "\(byID.count) saved Wi-Fi connections have that id; choose one by UUID") }
        return found
    }

    func settings(of profile: DBusObjectPath) async throws(NetworkManagerError) -> ConnectionSettings {
        try ConnectionSettings(settings: try single(try await call(profile, NetworkManagerNames.connectionInterface, "GetSettings", [])))
    }

    func property(_ path: DBusObjectPath, _ interface: String, _ name: String) async throws(NetworkManagerError) -> DBusValue {
        let reply = try await call(path, NetworkManagerNames.propertiesInterface, "Get", [.string(interface), .string(name)])
        return try single(reply).unwrappedVariant
    }

    func call(_ path: DBusObjectPath, _ interface: String, _ member: String, _ body: [DBusValue]) async throws(NetworkManagerError) -> DBusMessage {
        let message = DBusMessage.methodCall(destination: NetworkManagerNames.service, path: path, interface: interface, member: member, body: body)
        do throws(DBusError) {
            return try await connection.call(message, timeout: timeout)
        } catch {
            throw Self.map(error)
        }
    }

    func single(_ reply: DBusMessage) throws(NetworkManagerError) -> DBusValue {
        guard reply.body.count == 1, let value = reply.body.first else { throw .failed("a reply had an unexpected signature") }
        return value
    }

    func path(_ text: String) throws(NetworkManagerError) -> DBusObjectPath {
        do throws(DBusError) { return try DBusObjectPath(text) } catch { throw .failed("invalid object path") }
    }

    /// NetworkManager's and the bus's error replies as ``NetworkManagerError``s (the names real
    /// NetworkManager 1.42 answers with, `Tests/RealNetworkManager/reference/errors/`).
    static func map(_ error: DBusError) -> NetworkManagerError {
        switch (error.kind, error.name) {
        case (.serviceUnknown, _), (.nameHasNoOwner, _), (.connectionFailed, _), (.disconnected, _): return .notRunning
        case (_, NetworkManagerNames.Errors.permissionDenied): return .permissionDenied
        case (_, NetworkManagerNames.Errors.noSecrets): return .secretNotStored
        case (_, NetworkManagerNames.Errors.settingNotFound): return .secretNotStored
        case (.timedOut, _): return .failed("no answer in time")
        case (.unknownObject, _), (.unknownMethod, _): return .failed("a connection vanished while it was read; try again")
        case (_, NetworkManagerNames.Errors.settingsFailed):
            return .failed("it could not check authorisation (is polkit running?)")
        default: return .failed("an unexpected error reply (\(error.name))")
        }
    }
}

extension NetworkManagerError {
    func with(message: String) -> NetworkManagerError { NetworkManagerError(kind, message) }
}
