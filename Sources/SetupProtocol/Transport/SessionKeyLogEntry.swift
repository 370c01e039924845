/// One line of the opt-in session key log (SPEC §18): the session id from ClientHello and the
/// four values that open both directions' sealed records.
///
/// A debugging aid, like TLS's SSLKEYLOGFILE: the drivers write it only when the user named a
/// key log file (`SMARTSETUP_KEYLOGFILE`); `smartsetup decode --keylog` reads it. The line holds
/// key material in hex, so ``description`` redacts it; only ``line`` spells it out.
public struct SessionKeyLogEntry: Sendable, Equatable, CustomStringConvertible {
    /// The first word of every line.
    public static let label = "SMARTSETUP_SESSION_KEYS"

    /// ClientHello field 2 (16 octets), visible on the wire: what a decoder matches a line by.
    public let sessionID: [UInt8]
    /// Client → printer ChaCha20-Poly1305 key (32 octets).
    public let clientKey: SecretBytes
    /// Client → printer nonce base (12 octets).
    public let clientIV: SecretBytes
    /// Printer → client key (32 octets).
    public let printerKey: SecretBytes
    /// Printer → client nonce base (12 octets).
    public let printerIV: SecretBytes

    /// The entry for a session whose keys are `keys`.
    public init(sessionID: [UInt8], keys: KeySchedule) {
        self.sessionID = sessionID
        clientKey = keys.clientKey
        clientIV = keys.clientIV
        printerKey = keys.printerKey
        printerIV = keys.printerIV
    }

    /// Parses one line of a key log: the label and five hex words separated by single spaces.
    ///
    /// - Throws: `.malformedMessage` when the label, the word count, a word's length or its hex
    ///   digits are wrong (the error never repeats the line).
    public init(line: Substring) throws(ProtocolError) {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count == 6, words[0] == Self.label else {
            throw ProtocolError(.malformedMessage, detail: "not a \(Self.label) line with five values")
        }
        func value(_ index: Int, octets: Int) throws(ProtocolError) -> [UInt8] {
            guard let bytes = Self.octets(fromHex: words[index]), bytes.count == octets else {
                throw ProtocolError(.malformedMessage, detail: "value \(index) is not \(octets) octets of hex")
            }
            return bytes
        }
        sessionID = try value(1, octets: 16)
        clientKey = SecretBytes(try value(2, octets: 32))
        clientIV = SecretBytes(try value(3, octets: 12))
        printerKey = SecretBytes(try value(4, octets: 32))
        printerIV = SecretBytes(try value(5, octets: 12))
    }

    /// The line to append to the key log, without the line feed. It spells out the keys.
    public var line: String {
        [Self.label, Self.hex(sessionID), Self.hex(clientKey.bytes), Self.hex(clientIV.bytes),
         Self.hex(printerKey.bytes), Self.hex(printerIV.bytes)].joined(separator: " ")
    }

    /// The session id only; the keys are redacted.
    public var description: String { "session keys for session id \(Self.hex(sessionID)) (redacted)" }

    /// A channel that opens client → printer records (the printer's side of the session).
    public func clientToPrinterOpener() -> SecureChannel {
        SecureChannel(sendKey: printerKey, sendIV: printerIV, receiveKey: clientKey, receiveIV: clientIV)
    }

    /// A channel that opens printer → client records (the client's side of the session).
    public func printerToClientOpener() -> SecureChannel {
        SecureChannel(sendKey: clientKey, sendIV: clientIV, receiveKey: printerKey, receiveIV: printerIV)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func octets(fromHex text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}
