import Crypto

/// SHA-512 straight from swift-crypto, for tests that recompute a documented hash.
enum SHA512Reference {
    static func hash(_ bytes: [UInt8]) -> [UInt8] {
        Array(SHA512.hash(data: bytes))
    }
}
