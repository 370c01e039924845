import Crypto
import Testing

@testable import SetupProtocol

/// Our X25519 wrapper over swift-crypto, and what swift-crypto itself does with low-order points.
@Suite("X25519")
struct X25519Tests {
    /// RFC 7748 §5.2's first test vector (the u-coordinate has bit 255 set in the original).
    @Test func rfc7748Vector() throws {
        let scalar = SecretBytes(try Hex.decode("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"))
        let u = try Hex.decode("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")
        let expected = try Hex.decode("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552")
        #expect(X25519.multiply(scalar: scalar, uCoordinate: u) == expected)
        var withTopBit = u
        withTopBit[31] |= 0x80
        #expect(X25519.multiply(scalar: scalar, uCoordinate: withTopBit) == expected)
    }

    /// swift-crypto 3.12.3 on Linux does NOT throw for an all-zero result: it returns a
    /// SharedSecret of 32 zero bytes (observed here). A backend that throws is also handled.
    /// Either way our wrapper answers nil, so CPace throws `.invalidPeerShare`.
    @Test func neutralElementIsRejectedWhateverSwiftCryptoDoes() throws {
        let scalar = [UInt8](repeating: 0x42, count: 32)
        let privateKey = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: scalar)
        let zeroPoint = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: [UInt8](repeating: 0, count: 32))
        if let shared = try? privateKey.sharedSecretFromKeyAgreement(with: zeroPoint) {
            #expect(shared.withUnsafeBytes { ConstantTime.isAllZero(Array($0)) })
        }
        #expect(X25519.multiply(scalar: SecretBytes(scalar), uCoordinate: [UInt8](repeating: 0, count: 32)) == nil)
        #expect(throws: CPaceError.invalidPeerShare) {
            try CPace.sharedSecret(scalar: SecretBytes(scalar), peerShare: [UInt8](repeating: 0, count: 32))
        }
    }
}
