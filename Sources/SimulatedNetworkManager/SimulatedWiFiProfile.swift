/// One saved Wi-Fi profile of the simulated NetworkManager, as `nmcli connection add type wifi`
/// would store it. Its secrets are kept in "system storage" unless `pskFlags` says otherwise.
public struct SimulatedWiFiProfile: Sendable, Hashable {
    /// `connection.id` and `connection.uuid`.
    public var id: String
    public var uuid: String
    /// `802-11-wireless.ssid` (`ay`).
    public var ssid: [UInt8]
    /// `802-11-wireless.hidden`.
    public var hidden: Bool
    /// `802-11-wireless-security.key-mgmt`; nil: the profile has no security setting (open).
    public var keyManagement: String?
    /// The secret of the security setting: `psk` (`wpa-psk`, `sae`), `wep-key0` (`none`), the
    /// 802.1X `password` (`wpa-eap`).
    public var secret: String?
    /// `psk-flags`: 1 = kept by a user's secret agent, 2 = not saved (then `GetSecrets` answers
    /// `AgentManager.NoSecrets`).
    public var pskFlags: UInt32

    /// A profile with these values.
    public init(id: String, uuid: String, ssid: [UInt8], hidden: Bool = false, keyManagement: String?, secret: String?, pskFlags: UInt32 = 0) {
        self.id = id
        self.uuid = uuid
        self.ssid = ssid
        self.hidden = hidden
        self.keyManagement = keyManagement
        self.secret = secret
        self.pskFlags = pskFlags
    }

    /// A WPA2-Personal (`wpa-psk`) or WPA3-Personal (`sae`) profile with its PSK stored.
    public static func personal(id: String, uuid: String, ssid: String, passphrase: String, wpa3: Bool = false, hidden: Bool = false) -> Self {
        Self(id: id, uuid: uuid, ssid: Array(ssid.utf8), hidden: hidden, keyManagement: wpa3 ? "sae" : "wpa-psk", secret: passphrase)
    }

    /// The security setting's name of the secret, or nil when it keeps it in another setting.
    var secretKey: String? {
        switch keyManagement {
        case "wpa-psk", "sae": "psk"
        case "none": "wep-key0"
        default: nil
        }
    }
}
