/// Why a typed PIN was refused before any CPace attempt was spent. Switch on `kind`; the
/// description never contains the PIN.
public struct PINError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The refusal kinds.
    public enum Kind: Sendable, Hashable {
        /// Not exactly eight digits.
        case wrongLength
        /// A character other than a digit, or a separator anywhere but between digits 4 and 5.
        case notDigits
        /// Eight digits whose last one is not the WPS checksum of the first seven (a typo).
        case badChecksum
    }

    /// What was wrong.
    public let kind: Kind

    /// An error of `kind`.
    public init(kind: Kind) {
        self.kind = kind
    }

    /// Not eight digits.
    public static let wrongLength = PINError(kind: .wrongLength)
    /// Contains something other than digits and one separator.
    public static let notDigits = PINError(kind: .notDigits)
    /// The checksum digit does not match.
    public static let badChecksum = PINError(kind: .badChecksum)

    /// What is wrong, for a person, without the PIN.
    public var description: String {
        switch kind {
        case .wrongLength: return "a PIN has exactly 8 digits"
        case .notDigits: return "a PIN is 8 digits, optionally written 1234-5678"
        case .badChecksum: return "the last digit does not match the first seven (a typo?)"
        }
    }
}
