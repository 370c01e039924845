import Crypto

/// The handshake transcript hash (SPEC §9.3).
///
/// `TH = SHA-512(u16(len CH) || CH || u16(len SHp) || SHp)`, where CH is the ClientHello record
/// and SHp the ServerHello record without its confirmation field, both exactly as sent.
public enum Transcript {
    /// Computes TH.
    public static func hash(clientHello: [UInt8], serverHelloPrefix: [UInt8]) -> [UInt8] {
        var hasher = SHA512()
        hasher.update(data: UInt16(clientHello.count).bigEndianBytes)
        hasher.update(data: clientHello)
        hasher.update(data: UInt16(serverHelloPrefix.count).bigEndianBytes)
        hasher.update(data: serverHelloPrefix)
        return Array(hasher.finalize())
    }
}
