import Foundation
import SetupProtocol

/// Shows the PIN and short id as a printer does: on its display (a line on the output sink) or
/// by printing a network configuration page (a file), depending on the auth method.
public struct CredentialPresenter: Sendable {
    /// Where display lines and log lines go (stdout for `smartsetup emulate`).
    public let output: @Sendable (String) -> Void
    private let configuration: EmulatorConfiguration

    /// Creates a presenter.
    public init(configuration: EmulatorConfiguration, output: @escaping @Sendable (String) -> Void) {
        self.configuration = configuration
        self.output = output
    }

    /// Presents `credential`. In printed mode the PIN goes only to the page file.
    public func present(_ credential: PresentedCredential) {
        switch credential {
        case .pin(let pin, let shortID, let reason):
            if configuration.authMethod == .printedPIN, let path = configuration.pagePath {
                writePage(pin: pin, shortID: shortID, to: path)
                output("[printer \(shortID)] printed a network configuration page (\(reason.rawValue)) to \(path)")
            } else {
                output("[display \(shortID)] Wi-Fi setup  short id \(shortID)  PIN \(pin.revealedForDisplay())  (\(reason.rawValue))")
            }
        case .buttonWindowOpen(let shortID):
            output("[display \(shortID)] Wi-Fi setup  short id \(shortID)  button pressed: setup open for \(ProtocolTimeouts.buttonWindow) s")
        case .cleared:
            output("[display \(configuration.shortID)] setup PIN cleared")
        }
    }

    /// The page's text.
    static func pageText(pin: SetupPIN, shortID: ShortID, configuration: EmulatorConfiguration) -> String {
        """
        NETWORK CONFIGURATION PAGE
        Model: \(configuration.model)
        Serial: \(configuration.serial)
        Bluetooth name: \(configuration.name)
        Wi-Fi setup short id: \(shortID)
        Wi-Fi setup PIN: \(pin.revealedForDisplay())
        The PIN is valid for \(ProtocolTimeouts.pinLifetime) seconds.

        """
    }

    private func writePage(pin: SetupPIN, shortID: ShortID, to path: String) {
        let text = Self.pageText(pin: pin, shortID: shortID, configuration: configuration)
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            output("[printer \(shortID)] cannot print the page to \(path)")
        }
    }
}
