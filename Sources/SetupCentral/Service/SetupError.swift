import SetupProtocol

/// The one error type of the smartsetup service. Code switches on ``kind``; each kind maps to one
/// documented exit code of the `smartsetup` command. ``message`` is written for a person;
/// ``cause`` keeps the lower layer's error for logs (``diagnostic``) and is never shown raw.
/// Never contains a PIN or passphrase.
public struct SetupError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Hashable, Sendable {
        /// No Bluetooth adapter (or the named one does not exist), or BlueZ is not reachable.
        case noAdapter
        /// The adapter is powered off.
        case bluetoothOff
        /// No printer in setup mode was found (or none matched the choice).
        case noPrinterFound
        /// Several printers matched and none was chosen; their short ids.
        case severalPrinters([String])
        /// The PIN was wrong; the printer allows this many more attempts (nil if it did not say).
        case wrongPIN(attemptsLeft: UInt8?)
        /// The attempts are used up: the printer rotated its PIN and refuses attempts this long.
        case pinLockedOut(retryAfterSeconds: UInt16?)
        /// The printer refused the attempt: busy, PIN expired, no PIN shown, button not pressed.
        case printerRefused(WireErrorCode)
        /// The network rejected the passphrase.
        case wifiAuthenticationFailed
        /// The printer did not find the network.
        case networkNotFound
        /// The printer joined but got no address.
        case noAddress
        /// The printer cannot use the network's security, or failed internally while joining.
        case joinFailed(JoinFailureReason)
        /// A deadline passed.
        case timedOut
        /// The connection to the printer was lost.
        case printerLost
        /// The link lost, repeated or corrupted a message of the session (the encrypted channel
        /// refused it, or its fragments did not fit together); the session was ended, safely.
        /// Trying again usually works.
        case messageLost
        /// The command line or the request was invalid.
        case usage
        /// Anything else (a protocol violation, an internal failure).
        case internalError
        /// The operation was cancelled (a kiosk service job: by its requester, its agent, or
        /// the service stopping).
        case cancelled
        /// The kiosk service (`io.smartsetup1`) is not on the bus.
        case serviceUnavailable
        /// The kiosk service's queue is full.
        case serviceBusy
        /// The bus or the kiosk service refused the caller.
        case notAuthorized
        /// A secret was needed and no agent of the caller gave it.
        case noAgent
        /// The host's own Wi-Fi could not be taken from NetworkManager (`--host-wifi`).
        case hostWiFi(HostWiFiFailure)
    }

    /// Why the host's Wi-Fi could not be taken from NetworkManager; the raw value is the name of
    /// its row in ``ExitCodeTable`` (codes 40-47).
    public enum HostWiFiFailure: String, Sendable, Hashable, CaseIterable {
        case notRunning = "nm-not-running"
        case noWiFiActive = "no-host-wifi"
        case severalActive = "several-host-wifi"
        case connectionNotFound = "host-wifi-not-found"
        case permissionDenied = "nm-permission-denied"
        case secretNotStored = "nm-secret-not-stored"
        case unsupportedSecurity = "host-wifi-unsupported"
        case failed = "nm-failed"
    }

    /// What went wrong.
    public let kind: Kind
    /// A secret-free explanation for people.
    public let message: String
    /// The lower layer's error that led to this one (D-Bus, BlueZ, link, protocol), for logs.
    public let cause: (any Error)?

    /// Creates an error; `cause` is the failure it stems from, if any.
    public init(_ kind: Kind, _ message: String, cause: (any Error)? = nil) {
        self.kind = kind
        self.message = message
        self.cause = cause
    }

    /// The message followed by the chain of causes, for logs (never for the person at the
    /// terminal: causes name D-Bus errors and protocol details). Secret-free like every error.
    public var diagnostic: String {
        guard let cause else { return description }
        return "\(description) [cause: \(String(describing: cause))]"
    }

    /// The process exit code for this error (see ``ExitCodeTable``).
    public var exitCode: Int32 { ExitCodeTable.code(for: kind) }

    /// A short machine-readable name of the kind, used in JSON output.
    public var kindName: String { ExitCodeTable.name(for: kind) }

    /// "kind: message".
    public var description: String { "\(kindName): \(message)" }

    /// Errors are equal when their kinds are.
    public static func == (lhs: SetupError, rhs: SetupError) -> Bool { lhs.kind == rhs.kind }
    /// Hashes the kind only.
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }
}

extension SetupError {
    /// Maps a protocol failure reported by the session to the service's error.
    public static func from(_ error: ProtocolError) -> SetupError {
        switch error.kind {
        case .disconnected, .writeFailed: return SetupError(.printerLost, "the connection to the printer was lost", cause: error)
        case .decryptionFailed, .fragmentOutOfOrder, .missingFirstFragment, .unexpectedFirstFragment, .truncatedMessage, .fragmentOverflow,
             .peerReported(.decryptionFailed), .peerReported(.framingError):
            return SetupError(.messageLost, "a message between the kiosk and the printer was lost or damaged on the Bluetooth link, so the session was ended; try again", cause: error)
        case .unexpectedMessage:
            // SPEC §13.1: a repeated single-fragment record (a duplicated ServerHello) has no
            // sequence number to break; it arrives out of place and ends the session.
            return SetupError(.messageLost, "a message from the printer arrived out of place (repeated or reordered on the Bluetooth link), so the session was ended safely; try again", cause: error)
        case .timedOut: return SetupError(.timedOut, "the printer did not answer in time", cause: error)
        case .lockedOut: return SetupError(.pinLockedOut(retryAfterSeconds: nil), "the PIN is locked out", cause: error)
        case .authenticationFailed: return SetupError(.wrongPIN(attemptsLeft: nil), "the PIN was wrong", cause: error)
        case .peerReported(let code): return SetupError(.internalError, "the printer reported an error: \(code.summary)", cause: error)
        default: return SetupError(.internalError, "protocol failure: \(error.message)", cause: error)
        }
    }
}

/// The documented exit codes of `smartsetup`, one per failure class.
public enum ExitCodeTable {
    /// Each code with its name and meaning, in order, for `--help` and the docs.
    public static let rows: [(code: Int32, name: String, meaning: String)] = [
        (0, "ok", "success"),
        (1, "internal", "internal error or protocol violation"),
        (64, "usage", "invalid command line or request"),
        (10, "no-adapter", "no Bluetooth adapter, or BlueZ not reachable"),
        (11, "bluetooth-off", "the adapter is powered off"),
        (12, "no-printer", "no printer in setup mode (matching --printer) found"),
        (13, "several-printers", "several printers found, none chosen (use --printer)"),
        (14, "wrong-pin", "wrong PIN; the printer allows more attempts"),
        (15, "pin-locked-out", "PIN attempts used up; new PIN after the lock-out"),
        (16, "printer-refused", "printer busy, PIN expired/not shown, button not pressed"),
        (17, "wifi-auth-failed", "the network rejected the passphrase"),
        (18, "network-not-found", "the printer did not find the network"),
        (19, "no-address", "the printer joined but got no IP address"),
        (20, "join-failed", "unsupported security, or the printer failed joining"),
        (21, "timeout", "a deadline passed"),
        (22, "printer-lost", "the connection to the printer was lost"),
        (23, "message-lost", "the link lost or damaged a message; the session ended safely (retry)"),
        (50, "cancelled", "the kiosk service's job was cancelled"),
        (51, "service-unavailable", "the kiosk service (io.smartsetup1) is not on the bus"),
        (52, "service-busy", "the kiosk service's queue is full"),
        (53, "not-authorized", "the bus or the kiosk service refused the caller"),
        (54, "no-agent", "a secret was needed and no agent of the caller gave it"),
        (57, "no-history", "no provisioning history in --state-dir, or it cannot be read"),
        (40, "nm-not-running", "--host-wifi: NetworkManager is not running"),
        (41, "no-host-wifi", "--host-wifi: the host has no active Wi-Fi connection"),
        (42, "several-host-wifi", "--host-wifi: several Wi-Fi connections active, none chosen"),
        (43, "host-wifi-not-found", "--host-wifi-id: no saved Wi-Fi connection with that id or UUID"),
        (44, "nm-permission-denied", "--host-wifi: NetworkManager/polkit refused the passphrase"),
        (45, "nm-secret-not-stored", "--host-wifi: the passphrase is kept by a user's agent"),
        (46, "host-wifi-unsupported", "--host-wifi: enterprise (802.1X), WEP or OWE network"),
        (47, "nm-failed", "--host-wifi: NetworkManager failed or answered unexpectedly"),
    ]

    static func code(for kind: SetupError.Kind) -> Int32 {
        rows.first { $0.name == name(for: kind) }?.code ?? 1
    }

    static func name(for kind: SetupError.Kind) -> String {
        switch kind {
        case .internalError: return "internal"
        case .usage: return "usage"
        case .noAdapter: return "no-adapter"
        case .bluetoothOff: return "bluetooth-off"
        case .noPrinterFound: return "no-printer"
        case .severalPrinters: return "several-printers"
        case .wrongPIN: return "wrong-pin"
        case .pinLockedOut: return "pin-locked-out"
        case .printerRefused: return "printer-refused"
        case .wifiAuthenticationFailed: return "wifi-auth-failed"
        case .networkNotFound: return "network-not-found"
        case .noAddress: return "no-address"
        case .joinFailed: return "join-failed"
        case .timedOut: return "timeout"
        case .printerLost: return "printer-lost"
        case .messageLost: return "message-lost"
        case .cancelled: return "cancelled"
        case .serviceUnavailable: return "service-unavailable"
        case .serviceBusy: return "service-busy"
        case .notAuthorized: return "not-authorized"
        case .noAgent: return "no-agent"
        case .hostWiFi(let failure): return failure.rawValue
        }
    }

    /// The table as text, for `--help` and the README.
    public static var text: String {
        rows.map { row in
            let code = String(row.code)
            return String(repeating: " ", count: 3 - code.count) + code + "  " + row.name.padding(toLength: 19, withPad: " ", startingAt: 0) + row.meaning
        }.joined(separator: "\n")
    }
}
