extension ProtocolError {
    /// What went wrong, written for a person: it names the field and the rule it broke where a
    /// field was invalid, never a value and never a Swift type. Secret-free like the error.
    public var message: String {
        let base = kind.summary
        guard let detail else { return base }
        return "\(base): \(detail)"
    }

    /// A field failed validation: `rule` says what the field must be (never its value).
    @inline(never)
    public static func invalid(_ field: ProtocolField, _ rule: String) -> ProtocolError {
        ProtocolError(.invalidField(field), detail: rule)
    }
}

extension ProtocolError.Kind {
    /// The kind in words, for a person.
    public var summary: String {
        switch self {
        case .malformedFragment: return "a fragment had no header or an empty payload"
        case .fragmentTooLarge: return "a fragment was longer than the link's ATT payload allows"
        case .missingFirstFragment: return "a message continued without its first fragment"
        case .unexpectedFirstFragment: return "a new message began before the previous one was complete"
        case .fragmentOutOfOrder: return "a fragment was lost or repeated"
        case .fragmentOverflow: return "a message carried more octets than it announced"
        case .truncatedMessage: return "a message ended before the length it announced"
        case .messageTooLarge: return "a message exceeds the maximum message size"
        case .malformedMessage: return "a message could not be decoded"
        case .unknownMessageType(let type): return "message type \(type) is unknown or not accepted here"
        case .unsupportedCriticalField(let field): return "critical field \(field) is not supported"
        case .duplicateField(let field): return "field \(field) appears more than once"
        case .missingField(let field): return "required field \(field) is missing"
        case .invalidField(let field): return "the \(field.name) is invalid"
        case .unsupportedVersion: return "no protocol version is supported by both sides"
        case .authenticationFailed: return "the PIN was wrong, or the handshake was tampered with"
        case .invalidShare: return "the peer's key share is invalid"
        case .decryptionFailed: return "an encrypted message failed its integrity check: the link corrupted, lost or repeated a message"
        case .unexpectedMessage: return "a message arrived that the session does not accept now"
        case .counterExhausted: return "the session's message counter is used up"
        case .pinExpired: return "the PIN expired"
        case .lockedOut: return "the PIN attempts are used up; the printer is locked for a while"
        case .busy: return "the printer is busy with another client"
        case .buttonNotPressed: return "the printer's setup button was not pressed"
        case .noActivePIN: return "the printer shows no PIN"
        case .timedOut: return "a deadline passed"
        case .disconnected: return "the connection was lost"
        case .writeFailed: return "a write to the printer failed"
        case .requestNotAllowed: return "the request is not allowed now"
        case .peerReported(let code): return "the peer reported: \(code.summary)"
        case .internalError: return "the printer failed internally"
        }
    }
}

extension WireErrorCode {
    /// The code in words, for a person ("busy with another client", "invalid field").
    public var summary: String {
        switch self {
        case .malformedMessage: return "malformed message"
        case .unsupportedVersion: return "unsupported protocol version"
        case .authenticationFailed: return "authentication failed"
        case .pinExpired: return "PIN expired"
        case .lockedOut: return "locked out"
        case .busy: return "busy with another client"
        case .unexpectedMessage: return "unexpected message"
        case .framingError: return "framing error"
        case .invalidField: return "invalid field"
        case .decryptionFailed: return "decryption failed"
        case .timedOut: return "timed out"
        case .internalError: return "internal error"
        case .buttonNotPressed: return "button not pressed"
        case .unsupported: return "unsupported message or field"
        case .noActivePIN: return "no PIN shown"
        }
    }
}

extension ProtocolField {
    /// The field's name for a person ("SSID", "passphrase", "static IPv4 configuration").
    public var name: String {
        switch self {
        case .version: return "protocol version"
        case .sessionID: return "session id"
        case .clientID: return "client id"
        case .share: return "key share"
        case .confirmation: return "key confirmation"
        case .printerNonce: return "printer nonce"
        case .ssid: return "SSID"
        case .security: return "Wi-Fi security"
        case .passphrase: return "passphrase"
        case .psk: return "PSK"
        case .hidden: return "hidden-network flag"
        case .staticIPv4: return "static IPv4 configuration"
        case .hostname: return "host name"
        case .disableWPS: return "disable-WPS flag"
        case .joinStage: return "join stage"
        case .joinReason: return "join failure reason"
        case .ipv4Address: return "IPv4 address"
        case .rssi: return "RSSI"
        case .channel: return "channel"
        case .band: return "band"
        case .network: return "network list"
        case .model: return "model"
        case .serial: return "serial number"
        case .firmware: return "firmware version"
        case .macAddress: return "MAC address"
        case .identifyAction: return "identify action"
        case .errorCode: return "error code"
        case .requestType: return "request type"
        case .shortID: return "short id"
        case .deviceClass: return "device class"
        case .authMethod: return "auth method"
        case .flags: return "flags"
        }
    }
}

extension WiFiSecurity {
    /// The security in words: "open", "WPA2", "WPA3", "WPA2/WPA3".
    public var name: String {
        switch self {
        case .open: return "open"
        case .wpa2PSK: return "WPA2"
        case .wpa3SAE: return "WPA3"
        case .wpa2WPA3: return "WPA2/WPA3"
        }
    }
}
