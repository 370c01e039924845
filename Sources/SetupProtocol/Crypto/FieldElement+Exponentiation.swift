/// Powers, inversion, square test and square root in GF(2^255 - 19).
///
/// Every exponent here is a public constant, so the square-and-multiply loop branches only on
/// the exponent's bits, never on the element.
extension FieldElement {
    /// A public exponent as four little-endian 64-bit words.
    struct Exponent: Sendable {
        let words: (UInt64, UInt64, UInt64, UInt64)

        func bit(_ index: Int) -> Bool {
            let word: UInt64
            switch index / 64 {
            case 0: word = words.0
            case 1: word = words.1
            case 2: word = words.2
            default: word = words.3
            }
            return (word >> UInt64(index % 64)) & 1 == 1
        }

        /// p - 2, for inversion by Fermat's little theorem.
        static let pMinus2 = Exponent(words: (0xFFFF_FFFF_FFFF_FFEB, .max, .max, 0x7FFF_FFFF_FFFF_FFFF))
        /// (p - 1) / 2, Euler's criterion.
        static let pMinus1Over2 = Exponent(words: (0xFFFF_FFFF_FFFF_FFF6, .max, .max, 0x3FFF_FFFF_FFFF_FFFF))
        /// (p + 3) / 8, the square-root candidate for p ≡ 5 (mod 8).
        static let pPlus3Over8 = Exponent(words: (0xFFFF_FFFF_FFFF_FFFE, .max, .max, 0x0FFF_FFFF_FFFF_FFFF))
        /// (p - 1) / 4, which gives a square root of -1 from 2.
        static let pMinus1Over4 = Exponent(words: (0xFFFF_FFFF_FFFF_FFFB, .max, .max, 0x1FFF_FFFF_FFFF_FFFF))
    }

    /// self^exponent, by left-to-right square-and-multiply over the exponent's 255 bits.
    func raised(to exponent: Exponent) -> FieldElement {
        var result = FieldElement.one
        for index in (0..<255).reversed() {
            result = result.squared()
            if exponent.bit(index) {
                result = result * self
            }
        }
        return result
    }

    /// The multiplicative inverse, self^(p-2); 0 maps to 0 (RFC 9380's inv0).
    func inverted() -> FieldElement {
        raised(to: .pMinus2)
    }

    /// A square root of -1: 2^((p-1)/4).
    static let squareRootOfMinusOne = FieldElement(2).raised(to: .pMinus1Over4)

    /// All ones when the element is a square (0 included), as RFC 9380's is_square.
    var isSquareMask: UInt64 {
        let legendre = raised(to: .pMinus1Over2)  // 1, p - 1 or 0
        return legendre.equalMask(.one) | legendre.isZeroMask
    }

    /// A square root when the element is a square (RFC 9380 Appendix I.2, p ≡ 5 mod 8);
    /// otherwise an unspecified element. Which of the two roots comes back is unspecified too:
    /// callers that need a sign choose it with `sign` and `select`.
    func squareRoot() -> FieldElement {
        let candidate = raised(to: .pPlus3Over8)
        let other = candidate * Self.squareRootOfMinusOne
        return Self.select(candidate, other, mask: candidate.squared().equalMask(self))
    }
}
