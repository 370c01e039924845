import Crypto

/// The AEAD channel after the handshake (SPEC §10): ChaCha20-Poly1305, per-direction keys,
/// nonces from per-direction counters.
///
/// nonce = IV XOR (0^4 || u64be(counter)); AAD = the record type octet. The receiver uses its own
/// expected counter, so a replayed, reordered, dropped or truncated message fails to open.
///
/// Non-copyable: the counters exist once. A copy would be a second send counter starting from
/// the same value, and sealing with both would reuse a nonce under the same key (which gives
/// away the XOR of the plaintexts and lets the Poly1305 key be forged). The compiler refuses such
/// a copy; a channel is moved (`consume`) or lent (`inout`, `borrowing`), and whoever holds one
/// (the sessions) is non-copyable too.
public struct SecureChannel: ~Copyable, Sendable {
    /// Octets of the Poly1305 tag.
    public static let tagSize = 16
    /// The most messages sealed per direction before the session must end.
    public static let maximumMessages: UInt64 = 1 << 32

    private let sendKey: SecretBytes
    private let sendIV: SecretBytes
    private let receiveKey: SecretBytes
    private let receiveIV: SecretBytes
    /// Counter of the next message this side seals.
    public private(set) var sendCounter: UInt64 = 0
    /// Counter of the next message this side expects to open.
    public private(set) var receiveCounter: UInt64 = 0

    init(sendKey: SecretBytes, sendIV: SecretBytes, receiveKey: SecretBytes, receiveIV: SecretBytes) {
        self.sendKey = sendKey
        self.sendIV = sendIV
        self.receiveKey = receiveKey
        self.receiveIV = receiveIV
    }

    /// The nonce for `counter` with nonce base `iv`.
    public static func nonce(iv: [UInt8], counter: UInt64) -> [UInt8] {
        var nonce = iv
        for index in 0..<8 { nonce[4 + index] ^= UInt8(truncatingIfNeeded: counter >> (56 - 8 * UInt64(index))) }
        return nonce
    }

    /// Seals `plaintext` under the next send counter; AAD is `recordType`.
    public mutating func seal(_ plaintext: [UInt8], recordType: UInt8) throws(ProtocolError) -> [UInt8] {
        guard sendCounter < Self.maximumMessages else { throw ProtocolError(.counterExhausted) }
        let nonceBytes = Self.nonce(iv: sendIV.bytes, counter: sendCounter)
        do {
            let box = try sendKey.withUnsafeBytes { key in
                try ChaChaPoly.seal(plaintext, using: SymmetricKey(data: key), nonce: ChaChaPoly.Nonce(data: nonceBytes), authenticating: [recordType])
            }
            sendCounter += 1
            return Array(box.ciphertext) + Array(box.tag)
        } catch {
            throw ProtocolError(.internalError, detail: "seal failed")
        }
    }

    /// Opens `sealed` (ciphertext || tag) under the next receive counter; AAD is `recordType`.
    public mutating func open(_ sealed: [UInt8], recordType: UInt8) throws(ProtocolError) -> [UInt8] {
        let plaintext = try Self.open(sealed, key: receiveKey, iv: receiveIV, counter: receiveCounter, recordType: recordType)
        receiveCounter += 1
        return plaintext
    }

    /// Opens `sealed` (ciphertext || tag) as message number `counter` of the direction whose key
    /// and nonce base are `key` and `iv`; AAD is `recordType`. The stateless half of
    /// ``open(_:recordType:)``, for a reader that counts the messages itself (a capture's decoder
    /// with the key log's keys). Opening never seals, so it cannot reuse a nonce.
    public static func open(
        _ sealed: [UInt8], key: SecretBytes, iv: SecretBytes, counter: UInt64, recordType: UInt8
    ) throws(ProtocolError) -> [UInt8] {
        guard sealed.count >= tagSize else { throw ProtocolError(.decryptionFailed, detail: "shorter than a tag") }
        guard counter < maximumMessages else { throw ProtocolError(.counterExhausted) }
        let nonceBytes = nonce(iv: iv.bytes, counter: counter)
        let split = sealed.count - tagSize
        do {
            let box = try ChaChaPoly.SealedBox(
                nonce: ChaChaPoly.Nonce(data: nonceBytes), ciphertext: sealed[..<split], tag: sealed[split...])
            let plaintext = try key.withUnsafeBytes { key in
                try ChaChaPoly.open(box, using: SymmetricKey(data: key), authenticating: [recordType])
            }
            return Array(plaintext)
        } catch {
            throw ProtocolError(.decryptionFailed)
        }
    }
}

/// A session's channel, which exists only once it authenticated: sealing or opening without
/// one is a bug in the session, reported as `internalError`, never a message sent in clear.
extension Optional where Wrapped == SecureChannel {
    /// Seals with the channel's next send counter.
    mutating func sealed(_ plaintext: [UInt8], recordType: UInt8) throws(ProtocolError) -> [UInt8] {
        guard let sealed = try self?.seal(plaintext, recordType: recordType) else {
            throw ProtocolError(.internalError, detail: "no channel to seal with")
        }
        return sealed
    }

    /// Opens with the channel's next receive counter.
    mutating func opened(_ sealed: [UInt8], recordType: UInt8) throws(ProtocolError) -> [UInt8] {
        guard let plaintext = try self?.open(sealed, recordType: recordType) else {
            throw ProtocolError(.internalError, detail: "no channel to open with")
        }
        return plaintext
    }
}
