/// What a finished job was, as a bounded metric label.
public enum JobKind: String, Sendable, CaseIterable {
    case pair
    case wifiScan = "wifi-scan"
    case identify
    case reset
}

/// How a job ended, as a bounded metric label.
public enum JobOutcome: String, Sendable, CaseIterable {
    case succeeded
    case failed
    case cancelled
}

/// The phases of a job, in the order they are reached (the `phase` label).
public enum JobPhase: String, Sendable, CaseIterable {
    case scan
    case connect
    case servicesResolved = "services_resolved"
    case handshake
    case credentialsAccepted = "credentials_accepted"
    case joined
}
