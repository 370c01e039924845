import DBus

/// NetworkManager's D-Bus names for the subset smartsetup uses (NetworkManager 1.42's
/// `introspection/org.freedesktop.NetworkManager*.xml`; checked against
/// `Tests/RealNetworkManager/reference/`).
public enum NetworkManagerNames {
    /// The well-known bus name of the daemon.
    public static let service = "org.freedesktop.NetworkManager"
    /// The root object and its interface (`ActiveConnections`, `Version`).
    public static let rootPath = "/org/freedesktop/NetworkManager"
    public static let rootInterface = "org.freedesktop.NetworkManager"
    /// The settings object (`ListConnections`) and each saved profile's interface.
    public static let settingsPath = "/org/freedesktop/NetworkManager/Settings"
    public static let settingsInterface = "org.freedesktop.NetworkManager.Settings"
    public static let connectionInterface = "org.freedesktop.NetworkManager.Settings.Connection"
    /// An active connection (`Connection`, `Type`, `State`; signal `StateChanged(uu)`).
    public static let activeConnectionInterface = "org.freedesktop.NetworkManager.Connection.Active"
    public static let propertiesInterface = "org.freedesktop.DBus.Properties"

    /// The connection type and setting names of a Wi-Fi profile.
    public static let wirelessType = "802-11-wireless"
    public static let wirelessSecuritySetting = "802-11-wireless-security"

    /// The error names NetworkManager answers with.
    public enum Errors {
        public static let permissionDenied = "org.freedesktop.NetworkManager.Settings.PermissionDenied"
        public static let settingNotFound = "org.freedesktop.NetworkManager.Settings.Connection.SettingNotFound"
        public static let noSecrets = "org.freedesktop.NetworkManager.AgentManager.NoSecrets"
        public static let settingsFailed = "org.freedesktop.NetworkManager.Settings.Failed"
    }
}
