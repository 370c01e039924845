/// Every timeout of the protocol, in seconds (SPEC §12). The state machines enforce each one.
public enum ProtocolTimeouts {
    /// Central: ClientHello written → ServerHello complete.
    public static let serverHello: UInt64 = 15
    /// Central: plain Error(authenticationFailed) written → the printer's Error with attempts left.
    public static let failureReport: UInt64 = 10
    /// Central: DeviceInfoRequest, Identify or ResetNetwork → the answer.
    public static let request: UInt64 = 15
    /// Central: ScanRequest → ScanResults.
    public static let scan: UInt64 = 30
    /// Printer: credentials received → a final JoinStatus; past it the printer reports
    /// `failed(timedOut)` itself.
    public static let join: UInt64 = 90
    /// Central: credentials sent → a final JoinStatus (the printer's 90 s plus a margin).
    public static let centralJoin: UInt64 = 100
    /// Printer: connection start or last failed attempt → ClientHello.
    public static let clientHello: UInt64 = 30
    /// Printer: ServerHello sent → ClientFinish.
    public static let clientFinish: UInt64 = 30
    /// Printer: an authenticated session with nothing in progress closes after this long idle.
    public static let authenticatedIdle: UInt64 = 120
    /// Printer: a scan request → results from the printer's Wi-Fi layer.
    public static let printerScan: UInt64 = 25
    /// Both: first fragment → last fragment of one message.
    public static let reassembly: UInt64 = Reassembler.messageTimeoutSeconds
    /// Printer: a PIN expires this long after it was shown or printed.
    public static let pinLifetime: UInt64 = 120
    /// Printer: a printer that shows a new PIN by itself when one expired waits this long first,
    /// so that a client still holding the old PIN is told `pinExpired` / `noActivePIN` instead of
    /// spending one of the new PIN's attempts (SPEC §11.1).
    public static let pinRenewalDelay: UInt64 = 10
    /// Printer: after the last allowed wrong attempt, new attempts are refused this long; the
    /// lock-out doubles with each further rotation in a row (SPEC §11.3).
    public static let lockout: UInt64 = 30
    /// Printer: setup mode ends (no new PIN until the owner acts) this long after the owner
    /// entered it (SPEC §11.3).
    public static let setupMode: UInt64 = 1800
    /// Printer: button mode accepts a ClientHello this long after the button press.
    public static let buttonWindow: UInt64 = 120
}
