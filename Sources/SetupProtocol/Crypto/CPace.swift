import Crypto

/// CPace, the balanced PAKE of draft-irtf-cfrg-cpace-21 (April 2026, the newest revision;
/// its test vectors are in Protocol/vectors/cpace-x25519-sha512.json), with the group
/// G_X25519 and the hash SHA-512.
///
/// Flow (initiator A, responder B, both knowing PRS, CI and sid):
/// `g = generator(PRS, CI, sid)`; each side draws `y = sampleScalar()`, sends `Y = publicShare(y, g)`
/// with its associated data; each side computes `K = sharedSecret(y, peer's Y)` (which rejects a
/// low-order share) and `ISK = intermediateSessionKey(sid, K, Ya, ADa, Yb, ADb)`.
/// The ISK matches exactly when PRS, CI, sid and both transcripts match.
public enum CPace {
    /// G_X25519.DSI.
    public static let domainSeparator: [UInt8] = Array("CPace255".utf8)
    /// SHA-512's input block size, H.s_in_bytes.
    public static let hashBlockSize = 128
    /// Length of scalars, shares and K.
    public static let elementLength = 32

    /// Generator g = Elligator2(first 32 bytes of SHA-512(generator string)) per the draft
    /// (lv_cat of DSI "CPace255", PRS, zero padding to the hash block, CI, sid).
    public static func generator(prs: [UInt8], channelIdentifier: [UInt8], sessionID: [UInt8]) -> [UInt8] {
        let string = generatorString(
            dsi: domainSeparator, prs: prs, channelIdentifier: channelIdentifier, sessionID: sessionID,
            hashBlockSize: hashBlockSize)
        let hash = Array(SHA512.hash(data: string).prefix(elementLength))
        // decodeUCoordinate (bit 255 masked), then Elligator2; only the u-coordinate is kept.
        return Elligator2.mapToCurve(encodedFieldElement: hash)
    }

    /// The generator from a secret PRS such as `SetupPIN.prs`.
    public static func generator(prs: SecretBytes, channelIdentifier: [UInt8], sessionID: [UInt8]) -> [UInt8] {
        generator(prs: prs.bytes, channelIdentifier: channelIdentifier, sessionID: sessionID)
    }

    /// Y = X25519(scalar, g).
    public static func publicShare(scalar: SecretBytes, generator: [UInt8]) throws(CPaceError) -> [UInt8] {
        guard scalar.count == elementLength else { throw .invalidScalar }
        guard generator.count == elementLength,
            let share = X25519.multiply(scalar: scalar, uCoordinate: generator)
        else { throw .invalidGenerator }
        return share
    }

    /// K = scalar_mult_vfy(scalar, peer share): throws `.invalidPeerShare` when the result is all-zero
    /// (low-order point), in constant time.
    public static func sharedSecret(scalar: SecretBytes, peerShare: [UInt8]) throws(CPaceError) -> SecretBytes {
        guard scalar.count == elementLength else { throw .invalidScalar }
        guard peerShare.count == elementLength,
            let shared = X25519.multiply(scalar: scalar, uCoordinate: peerShare)
        else { throw .invalidPeerShare }
        return SecretBytes(shared)
    }

    /// ISK for the initiator-responder setting, per the draft (lv_cat(DSI||"_ISK", sid, K) ||
    /// transcript_ir(Ya, ADa, Yb, ADb), hashed with SHA-512).
    public static func intermediateSessionKey(
        sessionID: [UInt8], sharedSecret: SecretBytes,
        initiatorShare: [UInt8], initiatorData: [UInt8], responderShare: [UInt8], responderData: [UInt8]
    ) -> SecretBytes {
        let transcript = transcriptIR(
            initiatorShare: initiatorShare, initiatorData: initiatorData,
            responderShare: responderShare, responderData: responderData)
        return keyHash(sessionID: sessionID, sharedSecret: sharedSecret, transcript: transcript)
    }

    /// ISK for the parallel setting without roles (transcript_oc), as the draft also specifies.
    public static func intermediateSessionKeyUnordered(
        sessionID: [UInt8], sharedSecret: SecretBytes,
        shareA: [UInt8], dataA: [UInt8], shareB: [UInt8], dataB: [UInt8]
    ) -> SecretBytes {
        let transcript = transcriptOC(shareA: shareA, dataA: dataA, shareB: shareB, dataB: dataB)
        return keyHash(sessionID: sessionID, sharedSecret: sharedSecret, transcript: transcript)
    }

    /// The draft's optional session-id output for the initiator-responder setting:
    /// SHA-512(b"CPaceSidOutput" || transcript_ir(Ya, ADa, Yb, ADb)). Public, not a key.
    public static func sessionIDOutput(
        initiatorShare: [UInt8], initiatorData: [UInt8], responderShare: [UInt8], responderData: [UInt8]
    ) -> [UInt8] {
        let transcript = transcriptIR(
            initiatorShare: initiatorShare, initiatorData: initiatorData,
            responderShare: responderShare, responderData: responderData)
        return Array(SHA512.hash(data: Array("CPaceSidOutput".utf8) + transcript))
    }

    /// The session-id output for the parallel setting:
    /// SHA-512(b"CPaceSidOutput" || transcript_oc(Ya, ADa, Yb, ADb)). Public, not a key.
    public static func sessionIDOutputUnordered(
        shareA: [UInt8], dataA: [UInt8], shareB: [UInt8], dataB: [UInt8]
    ) -> [UInt8] {
        let transcript = transcriptOC(shareA: shareA, dataA: dataA, shareB: shareB, dataB: dataB)
        return Array(SHA512.hash(data: Array("CPaceSidOutput".utf8) + transcript))
    }

    /// A fresh scalar (32 random bytes) from `random`.
    public static func sampleScalar(using random: inout some RandomSource) -> SecretBytes {
        SecretBytes(random.bytes(count: elementLength))
    }

    /// SHA-512(lv_cat(DSI || "_ISK", sid, K) || transcript).
    private static func keyHash(sessionID: [UInt8], sharedSecret: SecretBytes, transcript: [UInt8]) -> SecretBytes {
        let prefix = lvCat(domainSeparator + Array("_ISK".utf8), sessionID, sharedSecret.bytes)
        return SecretBytes(Array(SHA512.hash(data: prefix + transcript)))
    }
}
