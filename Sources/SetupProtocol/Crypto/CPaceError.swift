/// Why a CPace step failed. Switch on `kind`; the description names the kind only and never
/// carries key material.
public struct CPaceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failure kinds.
    public enum Kind: Sendable, Hashable {
        /// The peer's share is not 32 bytes, or the shared point is the neutral element
        /// (all-zero X25519 result: a low-order point on the curve or its twist).
        case invalidPeerShare
        /// Our own scalar is not 32 bytes.
        case invalidScalar
        /// The generator is not 32 bytes or is a low-order point (all-zero public share).
        case invalidGenerator
    }

    /// What went wrong.
    public let kind: Kind

    /// An error of `kind`.
    public init(kind: Kind) {
        self.kind = kind
    }

    /// The peer's share was rejected.
    public static let invalidPeerShare = CPaceError(kind: .invalidPeerShare)
    /// Our scalar has the wrong length.
    public static let invalidScalar = CPaceError(kind: .invalidScalar)
    /// The generator was rejected.
    public static let invalidGenerator = CPaceError(kind: .invalidGenerator)

    /// The kind, without any secret.
    public var description: String { "CPaceError.\(kind)" }
}
