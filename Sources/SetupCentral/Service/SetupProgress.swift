import SetupProtocol

/// A step of a service operation, for progress display (readable lines or JSON). Never
/// contains a PIN or passphrase.
public enum SetupProgress: Sendable {
    /// Scanning for printers in setup mode.
    case scanning
    /// A printer was found.
    case found(DiscoveredPrinter)
    /// This printer was picked.
    case selected(DiscoveredPrinter)
    /// Connecting to the printer and resolving its services.
    case connecting(DiscoveredPrinter)
    /// Connected; Events notifications are on; the ATT MTU.
    case connected(mtu: Int)
    /// Handshake attempt number `attempt` started.
    case authenticating(attempt: Int, buttonMode: Bool)
    /// The PIN was wrong; attempts left on the printer.
    case authenticationFailed(attemptsLeft: UInt8?)
    /// The secure channel is up.
    case authenticated
    /// A request was sent on the secure channel ("credentials", "scan", "identify", "reset").
    case requestSent(String)
    /// The printer accepted the credentials (ATT round trips since services were resolved).
    case credentialsAccepted(roundTrips: Int)
    /// Join progress reported by the printer.
    case joinStatus(JoinStatus)
    /// The passphrase was wrong; corrected credentials are sent in the same session.
    case resendingCredentials
}
