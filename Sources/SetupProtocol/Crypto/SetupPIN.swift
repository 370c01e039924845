/// The printer's one-time PIN: eight decimal digits whose last digit is the WPS checksum of
/// the first seven, exactly as hostapd's `wps_pin_checksum` / `wps_pin_valid` compute it
/// (weights 3,1,3,1,3,1,3 on the first seven digits; the check digit makes the weighted sum of
/// all eight, with weight 1 on the last, a multiple of 10). A typo is caught here, before a
/// CPace attempt is spent.
///
/// The PIN is CPace's PRS (`prs`: the eight ASCII digits). It never appears in `description`,
/// `debugDescription` or `dump`; `==` is constant time. The digit arithmetic uses masks and
/// multiply-shift division instead of branches and `%`, so it does not branch on the digits.
public struct SetupPIN: Sendable, Equatable {
    /// Number of digits, checksum included.
    public static let digitCount = 8

    private let digits: SecretBytes

    private init(asciiDigits: [UInt8]) {
        digits = SecretBytes(asciiDigits)
    }

    /// Parses a typed PIN: "12345670", "1234-5670" or "1234 5670", surrounding whitespace
    /// ignored. Throws `.notDigits` for any other character or a misplaced separator,
    /// `.wrongLength` when there are not eight digits, `.badChecksum` when the last digit is wrong.
    public init(validating text: String) throws(PINError) {
        var characters = Array(text.utf8)
        while let first = characters.first, Self.isWhitespace(first) { characters.removeFirst() }
        while let last = characters.last, Self.isWhitespace(last) { characters.removeLast() }

        // Classify every character with masks; branch only on the totals.
        var digitCount = 0
        var separatorCount = 0
        var otherCount = 0
        for character in characters {
            let isDigit = Self.isDigitBit(character)
            let isSeparator = Self.isSeparatorBit(character)
            digitCount += Int(isDigit)
            separatorCount += Int(isSeparator)
            otherCount += Int(1 ^ (isDigit | isSeparator))
        }
        guard otherCount == 0 else { throw .notDigits }
        guard digitCount == Self.digitCount else { throw .wrongLength }
        if separatorCount != 0 {
            // The layout (where the separator is) is public formatting, not the secret.
            guard separatorCount == 1, Self.isSeparatorBit(characters[4]) == 1 else { throw .notDigits }
            characters.remove(at: 4)
        }
        let values = characters.map { $0 &- UInt8(ascii: "0") }
        guard Self.weightedSumModulo10(values) == 0 else { throw .badChecksum }
        self.init(asciiDigits: characters)
    }

    /// A fresh PIN: seven uniformly random digits plus the checksum digit.
    ///
    /// Each digit comes from one byte drawn from `random`: bytes 250...255 are rejected and
    /// redrawn, the rest taken modulo 10 (250 is a multiple of 10, so there is no modulo bias).
    /// A rejection reveals nothing about the accepted digits.
    public static func generate(using random: inout some RandomSource) -> SetupPIN {
        var values: [UInt8] = []
        values.reserveCapacity(digitCount)
        while values.count < digitCount - 1 {
            let byte = random.bytes(count: 1)[0]
            if byte < 250 {
                values.append(modulo10(UInt32(byte)))
            }
        }
        values.append(checksumDigit(ofFirstSeven: values))
        return SetupPIN(asciiDigits: values.map { $0 &+ UInt8(ascii: "0") })
    }

    /// hostapd's `wps_pin_checksum`: the digit that completes seven digit values (each 0...9,
    /// most significant first) to a valid PIN.
    public static func checksumDigit(ofFirstSeven values: [UInt8]) -> UInt8 {
        precondition(values.count == digitCount - 1, "the checksum covers exactly seven digits")
        return modulo10(10 &- UInt32(weightedSumModulo10(values)))
    }

    /// CPace's PRS: the eight ASCII digits.
    public var prs: SecretBytes { digits }

    /// The PIN as a printer shows or prints it, "1234-5670". Only for the display or the
    /// printed page: never log it.
    public func revealedForDisplay() -> String {
        let text = digits.bytes
        return String(decoding: text[0..<4], as: UTF8.self) + "-" + String(decoding: text[4..<8], as: UTF8.self)
    }

    /// Σ weight·digit mod 10 with weights 3,1,3,1,… from the first digit (hostapd's order seen
    /// from the least significant digit of the seven). For eight digits 0 means valid.
    private static func weightedSumModulo10(_ values: [UInt8]) -> UInt8 {
        var sum: UInt32 = 0
        for (index, value) in values.enumerated() {
            let weight: UInt32 = index % 2 == 0 ? 3 : 1  // public position, not the digit
            sum &+= weight &* UInt32(value)
        }
        return modulo10(sum)
    }

    /// value mod 10 without a division instruction: ⌊value·205 / 2048⌋ = ⌊value / 10⌋ for value ≤ 1028.
    private static func modulo10(_ value: UInt32) -> UInt8 {
        let quotient = (value &* 205) >> 11
        return UInt8(truncatingIfNeeded: value &- quotient &* 10)
    }

    /// 1 for an ASCII digit, 0 otherwise, without a branch.
    private static func isDigitBit(_ character: UInt8) -> UInt32 {
        let value = UInt32(character)
        let belowZero = (value &- UInt32(UInt8(ascii: "0"))) >> 31  // 1 when value < "0" (wraps)
        let belowColon = (value &- UInt32(UInt8(ascii: ":"))) >> 31  // 1 when value <= "9"
        return belowColon & (1 ^ belowZero)
    }

    /// 1 for "-" or " ", 0 otherwise, without a branch.
    private static func isSeparatorBit(_ character: UInt8) -> UInt32 {
        let isDash = ConstantTime.isZeroMask(UInt64(character ^ UInt8(ascii: "-"))) & 1
        let isSpace = ConstantTime.isZeroMask(UInt64(character ^ UInt8(ascii: " "))) & 1
        return UInt32(isDash | isSpace)
    }

    private static func isWhitespace(_ character: UInt8) -> Bool {
        character == UInt8(ascii: " ") || character == UInt8(ascii: "\t") || character == UInt8(ascii: "\n")
            || character == UInt8(ascii: "\r")
    }
}

extension SetupPIN: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A redaction: the PIN itself is never described.
    public var description: String { "SetupPIN(redacted)" }

    /// The same redaction as `description`.
    public var debugDescription: String { description }

    /// A mirror without children, so `dump` shows no digits.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
