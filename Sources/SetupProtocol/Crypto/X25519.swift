import Crypto

/// RFC 7748 X25519 with a caller-chosen scalar and u-coordinate, through swift-crypto.
///
/// swift-crypto's `Curve25519.KeyAgreement` computes X25519 and clamps the scalar. We clear
/// bit 255 of the u-coordinate ourselves, as RFC 7748's decodeUCoordinate requires, so the
/// result never depends on how the backend treats that bit (the draft's vectors u6, u8, u9 and
/// ua, ub have it set).
/// swift-crypto 3.12.3 on Linux does not throw for an all-zero (low-order) result: it returns
/// 32 zero bytes. So we check the bytes ourselves, in constant time; a backend that throws
/// instead yields nil as well.
enum X25519 {
    /// X25519(scalar, u), or nil when the result is the all-zero neutral element (or when the
    /// backend refuses the computation). `scalar` and `uCoordinate` must be 32 bytes.
    static func multiply(scalar: SecretBytes, uCoordinate: [UInt8]) -> [UInt8]? {
        precondition(scalar.count == 32 && uCoordinate.count == 32, "X25519 takes 32-byte inputs")
        var u = uCoordinate
        u[31] &= 0x7F
        let result: [UInt8]
        do {
            let privateKey = try scalar.withUnsafeBytes { buffer in
                try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: buffer)
            }
            let publicKey = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: u)
            let shared = try privateKey.sharedSecretFromKeyAgreement(with: publicKey)
            result = shared.withUnsafeBytes { Array($0) }
        } catch {
            return nil
        }
        return ConstantTime.isAllZero(result) ? nil : result
    }
}
