import SetupProtocol

/// What the printer shows its owner so that a client can authenticate.
public enum PresentedCredential: Sendable {
    /// Show or print this PIN next to the short id. `reason` says why a PIN is (re)presented.
    case pin(SetupPIN, shortID: ShortID, reason: PresentationReason)
    /// Button mode: the button window is open.
    case buttonWindowOpen(shortID: ShortID)
    /// The PIN expired or the button window closed; nothing valid is shown.
    case cleared
}

/// Why the printer presents a new PIN.
public enum PresentationReason: String, Sendable, Codable {
    /// Setup mode started.
    case started
    /// The attempts were used up; the PIN rotated (SPEC §11.3).
    case rotated
    /// The previous PIN expired and the owner asked for a new one (SPEC §11.1).
    case renewed
}

/// The printer-side application the ``PrinterDriver`` calls: display or page, Wi-Fi layer,
/// identify and reset. The emulator implements it; a real printer's firmware would too.
public protocol PrinterApplication: Sendable {
    /// Shows the PIN (or clears it) on the display, or prints it on the configuration page.
    func present(_ credential: PresentedCredential) async
    /// Scans for networks (cancelled, like a join, when the central disconnects first).
    func scanNetworks() async -> [ScanResult]
    /// Joins a network, reporting each stage after `received` through `progress`; the last
    /// report must be final (connected or failed). The task is cancelled when the central
    /// disconnects first: stop joining and return.
    func join(_ credentials: WiFiCredentials, progress: @escaping @Sendable (JoinStatus) async -> Void) async
    /// Blinks, beeps or prints the PIN page.
    func identify(_ action: IdentifyAction) async
    /// Forgets the network settings.
    func resetNetwork() async
    /// A session event, for the printer's log (never contains a secret).
    func sessionEvent(_ event: PrinterEvent) async
    /// The busy flag changed: the advertisement should be re-registered (SPEC §17).
    func busyChanged(_ isBusy: Bool) async
    /// A session event with the connection it happened on: the central (as its link names it)
    /// and that connection's MTU. By default ``sessionEvent(_:)``.
    func sessionEvent(_ event: PrinterEvent, central: String, mtu: Int) async
}

extension PrinterApplication {
    /// Tells ``sessionEvent(_:)``, without the connection.
    public func sessionEvent(_ event: PrinterEvent, central: String, mtu: Int) async {
        await sessionEvent(event)
    }
}
