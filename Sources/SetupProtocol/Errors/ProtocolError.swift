/// The one error type of the handoff protocol core.
///
/// Code switches on ``kind``; ``message`` (also the ``description``) says what went wrong for a
/// person, with the rule an invalid field broke. Neither ever
/// contains a secret: no PIN, passphrase, PSK, key, share or tag appears in an error.
public struct ProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, in a form code can switch on.
    public enum Kind: Hashable, Sendable {
        // Framing (SPEC §6).
        /// A fragment had no header or an empty payload.
        case malformedFragment
        /// A fragment was longer than the ATT payload (MTU - 3) allows.
        case fragmentTooLarge
        /// A continuation fragment arrived while no message was being reassembled.
        case missingFirstFragment
        /// A first fragment arrived while another message was still being reassembled.
        case unexpectedFirstFragment
        /// A fragment's sequence number was not the next one: a fragment was lost or repeated.
        case fragmentOutOfOrder
        /// The fragments carried more bytes than the first fragment announced.
        case fragmentOverflow
        /// The last fragment ended before the announced length was reached.
        case truncatedMessage
        /// A message (or its announced length) exceeds the maximum message size.
        case messageTooLarge
        // Message codec (SPEC §7, §8).
        /// A message or field could not be decoded (truncated, bad length, bad value).
        case malformedMessage
        /// A message type this side does not know or does not accept here.
        case unknownMessageType(UInt8)
        /// A critical field this side does not understand.
        case unsupportedCriticalField(UInt8)
        /// A field that must appear at most once appeared twice.
        case duplicateField(UInt8)
        /// A required field is missing.
        case missingField(UInt8)
        /// A field failed validation; the field is named, its value never shown.
        case invalidField(ProtocolField)
        // Handshake and channel (SPEC §9, §10).
        /// No protocol version is supported by both sides, or the chosen one was not offered.
        case unsupportedVersion
        /// Key confirmation failed: wrong PIN, or a tampered or downgraded handshake.
        case authenticationFailed
        /// The peer sent an invalid CPace share (e.g. a low-order point).
        case invalidShare
        /// A sealed message failed authentication: tampered, replayed, reordered or truncated.
        case decryptionFailed
        /// A message arrived that the current state does not accept.
        case unexpectedMessage
        /// The per-direction message counter is exhausted.
        case counterExhausted
        // Policy (SPEC §11).
        /// The printer's PIN expired (120 s after it was shown); a new one must be shown.
        case pinExpired
        /// Too many wrong attempts: the PIN was rotated and the printer is locked for a while.
        case lockedOut
        /// Another session is active on the printer.
        case busy
        /// Button mode: the button window is not open.
        case buttonNotPressed
        /// No PIN is currently shown by the printer.
        case noActivePIN
        // Session (SPEC §12).
        /// A deadline passed.
        case timedOut
        /// The connection was lost.
        case disconnected
        /// An ATT write was rejected by the peer.
        case writeFailed
        /// A request was made while another one is outstanding, or in the wrong state.
        case requestNotAllowed
        /// The peer reported an error with this wire code.
        case peerReported(WireErrorCode)
        /// The printer's side failed internally.
        case internalError
    }

    /// What went wrong.
    public let kind: Kind
    /// A secret-free detail: the rule an invalid field broke, or what the session was doing.
    public let detail: String?

    /// Creates an error of `kind` with an optional secret-free detail.
    public init(_ kind: Kind, detail: String? = nil) {
        self.kind = kind
        self.detail = detail
    }

    /// The ``message``; never contains a secret.
    public var description: String { message }

    /// Two errors are equal when their kinds are; the detail is diagnostics only.
    public static func == (lhs: ProtocolError, rhs: ProtocolError) -> Bool { lhs.kind == rhs.kind }

    /// Hashes the kind only, matching ``==``.
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }
}

extension ProtocolError {
    @inline(never)
    static func malformed(_ detail: String) -> ProtocolError { ProtocolError(.malformedMessage, detail: detail) }
}
