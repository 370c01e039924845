/// Error codes carried in an Error message (SPEC §8.9). One byte on the wire.
public enum WireErrorCode: UInt8, Hashable, Sendable, CaseIterable {
    /// A message could not be decoded.
    case malformedMessage = 0x01
    /// No common protocol version.
    case unsupportedVersion = 0x02
    /// Key confirmation failed (wrong PIN or tampered handshake). Carries attempts left.
    case authenticationFailed = 0x03
    /// The PIN expired; ask the owner to show a new one.
    case pinExpired = 0x04
    /// Attempts exhausted: the PIN was rotated; retry after the stated delay with the new PIN.
    case lockedOut = 0x05
    /// Another session is active.
    case busy = 0x06
    /// The message is not allowed in the receiver's state.
    case unexpectedMessage = 0x07
    /// A fragmentation rule was broken.
    case framingError = 0x08
    /// A field failed validation (e.g. an SSID of 33 octets).
    case invalidField = 0x09
    /// A sealed message failed authentication.
    case decryptionFailed = 0x0A
    /// A deadline passed.
    case timedOut = 0x0B
    /// The sender failed internally.
    case internalError = 0x0C
    /// Button mode: the button window is not open.
    case buttonNotPressed = 0x0D
    /// A critical field or message type is not supported.
    case unsupported = 0x0E
    /// No PIN is shown right now.
    case noActivePIN = 0x0F
}

extension ProtocolError.Kind {
    /// The wire code that reports this error to the peer.
    public var wireCode: WireErrorCode {
        switch self {
        case .malformedFragment, .fragmentTooLarge, .missingFirstFragment, .unexpectedFirstFragment,
             .fragmentOutOfOrder, .fragmentOverflow, .truncatedMessage, .messageTooLarge:
            return .framingError
        case .malformedMessage, .duplicateField, .missingField: return .malformedMessage
        case .unknownMessageType, .unsupportedCriticalField: return .unsupported
        case .invalidField: return .invalidField
        case .unsupportedVersion: return .unsupportedVersion
        case .authenticationFailed, .invalidShare: return .authenticationFailed
        case .decryptionFailed, .counterExhausted: return .decryptionFailed
        case .unexpectedMessage, .requestNotAllowed: return .unexpectedMessage
        case .pinExpired: return .pinExpired
        case .lockedOut: return .lockedOut
        case .busy: return .busy
        case .buttonNotPressed: return .buttonNotPressed
        case .noActivePIN: return .noActivePIN
        case .timedOut: return .timedOut
        case .peerReported(let code): return code
        case .disconnected, .writeFailed, .internalError: return .internalError
        }
    }
}

extension WireErrorCode {
    /// The error kind a receiver raises for a peer's report with this code.
    public var kind: ProtocolError.Kind {
        switch self {
        case .authenticationFailed: return .authenticationFailed
        case .pinExpired: return .pinExpired
        case .lockedOut: return .lockedOut
        case .busy: return .busy
        case .buttonNotPressed: return .buttonNotPressed
        case .noActivePIN: return .noActivePIN
        case .unsupportedVersion: return .unsupportedVersion
        default: return .peerReported(self)
        }
    }
}
