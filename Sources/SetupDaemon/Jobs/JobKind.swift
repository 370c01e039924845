import DBus

/// What a job does: the four requests of `io.smartsetup1.Manager1`.
public enum JobKind: String, Sendable, CaseIterable {
    /// `Pair`: hand over Wi-Fi credentials.
    case pair
    /// `WifiScan`: ask which networks the printer sees.
    case wifiScan = "wifi-scan"
    /// `Identify`: ask the printer to show itself.
    case identify
    /// `Reset`: ask the printer to forget its network settings.
    case reset

    /// The Manager1 method that makes this kind of job.
    public var methodName: String {
        switch self {
        case .pair: "Pair"
        case .wifiScan: "WifiScan"
        case .identify: "Identify"
        case .reset: "Reset"
        }
    }
}
