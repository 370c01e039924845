/// A request the application asks the central to send after (or with) authentication.
public enum CentralRequest: Hashable, Sendable {
    /// Ask for the printer's ``DeviceInfo``.
    case deviceInfo
    /// Ask the printer to scan for networks.
    case scan
    /// Send Wi-Fi credentials; the printer answers with ``JoinStatus`` updates.
    case setCredentials(WiFiCredentials)
    /// Ask the printer to blink, beep or print its PIN page.
    case identify(IdentifyAction)
    /// Ask the printer to forget its network settings and leave setup mode.
    case resetNetwork

    var message: ApplicationMessage {
        switch self {
        case .deviceInfo: return .deviceInfoRequest
        case .scan: return .scanRequest
        case .setCredentials(let credentials): return .setCredentials(credentials)
        case .identify(let action): return .identify(action)
        case .resetNetwork: return .resetNetwork
        }
    }

    var timeoutSeconds: UInt64 {
        switch self {
        case .deviceInfo, .identify, .resetNetwork: return ProtocolTimeouts.request
        case .scan: return ProtocolTimeouts.scan
        case .setCredentials: return ProtocolTimeouts.centralJoin
        }
    }
}
