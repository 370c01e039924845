import Crypto

/// Keys derived from the CPace ISK and the transcript hash (SPEC §9.4).
///
/// `PRK = HKDF-Extract(salt: TH, IKM: ISK)` with SHA-512, then `HKDF-Expand(PRK, label, L)` for
/// each label in ``Label``. Confirmation tags are `HMAC-SHA-512(confirm key, TH)` truncated to
/// 32 octets.
public struct KeySchedule: Sendable {
    /// The HKDF-Expand info strings (ASCII, no terminator).
    public enum Label {
        /// 64-octet key for the printer's confirmation tag.
        public static let printerConfirmation = "smartsetup v1 printer confirmation"
        /// 64-octet key for the client's confirmation tag.
        public static let clientConfirmation = "smartsetup v1 client confirmation"
        /// 32-octet ChaCha20-Poly1305 key, client → printer.
        public static let clientKey = "smartsetup v1 client to printer key"
        /// 32-octet ChaCha20-Poly1305 key, printer → client.
        public static let printerKey = "smartsetup v1 printer to client key"
        /// 12-octet nonce base, client → printer.
        public static let clientIV = "smartsetup v1 client to printer iv"
        /// 12-octet nonce base, printer → client.
        public static let printerIV = "smartsetup v1 printer to client iv"
    }

    /// Octets of a confirmation tag.
    public static let confirmationSize = 32

    /// Key for the printer's tag.
    public let printerConfirmationKey: SecretBytes
    /// Key for the client's tag.
    public let clientConfirmationKey: SecretBytes
    /// Client → printer AEAD key.
    public let clientKey: SecretBytes
    /// Printer → client AEAD key.
    public let printerKey: SecretBytes
    /// Client → printer nonce base.
    public let clientIV: SecretBytes
    /// Printer → client nonce base.
    public let printerIV: SecretBytes
    /// The transcript hash the keys were derived with.
    public let transcriptHash: [UInt8]

    /// Derives every key from the ISK and the transcript hash.
    public init(intermediateSessionKey isk: SecretBytes, transcriptHash: [UInt8]) {
        let prk = isk.withUnsafeBytes { ikm in
            HKDF<SHA512>.extract(inputKeyMaterial: SymmetricKey(data: ikm), salt: transcriptHash)
        }
        func expand(_ label: String, _ count: Int) -> SecretBytes {
            let key = HKDF<SHA512>.expand(pseudoRandomKey: prk, info: Array(label.utf8), outputByteCount: count)
            return SecretBytes(key.withUnsafeBytes { Array($0) })
        }
        printerConfirmationKey = expand(Label.printerConfirmation, 64)
        clientConfirmationKey = expand(Label.clientConfirmation, 64)
        clientKey = expand(Label.clientKey, 32)
        printerKey = expand(Label.printerKey, 32)
        clientIV = expand(Label.clientIV, 12)
        printerIV = expand(Label.printerIV, 12)
        self.transcriptHash = transcriptHash
    }

    /// The printer's confirmation tag (sent in ServerHello).
    public var printerConfirmation: [UInt8] { Self.tag(key: printerConfirmationKey, transcriptHash: transcriptHash) }
    /// The client's confirmation tag (sent in ClientFinish).
    public var clientConfirmation: [UInt8] { Self.tag(key: clientConfirmationKey, transcriptHash: transcriptHash) }

    /// Whether `tag` is the printer's tag, compared in constant time.
    public func verifyPrinterConfirmation(_ tag: [UInt8]) -> Bool { ConstantTime.isEqual(tag, printerConfirmation) }
    /// Whether `tag` is the client's tag, compared in constant time.
    public func verifyClientConfirmation(_ tag: [UInt8]) -> Bool { ConstantTime.isEqual(tag, clientConfirmation) }

    private static func tag(key: SecretBytes, transcriptHash: [UInt8]) -> [UInt8] {
        let mac = key.withUnsafeBytes { HMAC<SHA512>.authenticationCode(for: transcriptHash, using: SymmetricKey(data: $0)) }
        return Array(Array(mac).prefix(confirmationSize))
    }

    /// The channel for the client's side: seals with the client key, opens with the printer key.
    public func clientChannel() -> SecureChannel {
        SecureChannel(sendKey: clientKey, sendIV: clientIV, receiveKey: printerKey, receiveIV: printerIV)
    }

    /// The channel for the printer's side.
    public func printerChannel() -> SecureChannel {
        SecureChannel(sendKey: printerKey, sendIV: printerIV, receiveKey: clientKey, receiveIV: clientIV)
    }
}
