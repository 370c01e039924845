import SetupLink
import SetupProtocol

/// How the client authenticates.
public enum PINSource: Sendable {
    /// This PIN; a wrong one ends the operation with `.wrongPIN`.
    case pin(SetupPIN)
    /// Button mode, chosen by the user for a printer that advertises it. Protects against
    /// eavesdroppers only.
    case button
    /// Ask for the PIN (e.g. a terminal prompt); called again after a wrong PIN with the
    /// attempts left. Returning nil gives up.
    case ask(@Sendable (_ attemptsLeft: UInt8?) async -> SetupPIN?)
}

/// Which printer, and how to talk to it: what every operation needs.
public struct PrinterTarget: Sendable {
    /// The user's choice, or nil to take the only printer found.
    public var selector: PrinterSelector?
    /// How to authenticate.
    public var authentication: PINSource
    /// Called to choose when several printers match and no selector was given (a terminal
    /// prompt); without it, several printers are an error.
    public var chooser: (@Sendable ([DiscoveredPrinter]) async -> DiscoveredPrinter?)?

    /// Creates a target.
    public init(
        selector: PrinterSelector? = nil, authentication: PINSource,
        chooser: (@Sendable ([DiscoveredPrinter]) async -> DiscoveredPrinter?)? = nil
    ) {
        self.selector = selector
        self.authentication = authentication
        self.chooser = chooser
    }
}

/// What `pair` needs besides the target.
public struct PairRequest: Sendable {
    /// The printer.
    public var target: PrinterTarget
    /// The credentials to hand over.
    public var credentials: WiFiCredentials
    /// Asked for a corrected passphrase after the network rejected one; nil (or returning nil)
    /// ends the operation with `.wifiAuthenticationFailed`.
    public var correctedPassphrase: (@Sendable () async -> WiFiPassphrase?)?

    /// Creates a request.
    public init(target: PrinterTarget, credentials: WiFiCredentials, correctedPassphrase: (@Sendable () async -> WiFiPassphrase?)? = nil) {
        self.target = target
        self.credentials = credentials
        self.correctedPassphrase = correctedPassphrase
    }
}

/// The outcome of `pair`.
public struct PairResult: Sendable {
    /// The printer.
    public var printer: DiscoveredPrinter
    /// The address the printer got.
    public var address: IPv4Interface
    /// The ATT MTU of the link.
    public var mtu: Int
    /// ATT traffic from services resolved (and Events enabled) to credentials accepted.
    public var untilAccepted: LinkStatistics
    /// All ATT traffic of the session.
    public var total: LinkStatistics
}
