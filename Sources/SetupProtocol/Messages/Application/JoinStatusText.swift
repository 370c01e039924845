/// Human and machine names for join statuses, shared by the service, the emulator and the CLI.
public enum JoinStatusText {
    /// "associating", "connected 192.168.1.57/24", "failed: wrong passphrase", ...
    public static func describe(_ status: JoinStatus) -> String {
        switch status {
        case .received: return "credentials received"
        case .associating: return "associating"
        case .authenticating: return "authenticating"
        case .obtainingAddress: return "obtaining an address"
        case .connected(let interface): return "connected \(interface)"
        case .failed(let reason): return "failed: \(describe(reason))"
        }
    }

    /// "wrong passphrase", "network not found", ...
    public static func describe(_ reason: JoinFailureReason) -> String {
        switch reason {
        case .wrongPassphrase: return "wrong passphrase"
        case .networkNotFound: return "network not found"
        case .noAddress: return "no address"
        case .timedOut: return "timed out"
        case .unsupportedSecurity: return "unsupported security"
        case .internalError: return "internal error"
        }
    }

    /// The stage name used in JSON output: "received", "associating", ..., "connected", "failed".
    public static func stage(_ status: JoinStatus) -> String {
        switch status {
        case .received: return "received"
        case .associating: return "associating"
        case .authenticating: return "authenticating"
        case .obtainingAddress: return "obtaining-address"
        case .connected: return "connected"
        case .failed: return "failed"
        }
    }
}
