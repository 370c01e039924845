/// An element of GF(2^255 - 19), the field of Curve25519, in constant time.
///
/// Written here only because swift-crypto exposes no point mapping: Elligator2 needs field
/// arithmetic. X25519 itself stays in swift-crypto.
///
/// Representation: five unsigned 51-bit limbs, little-endian (value = Σ limb[i]·2^(51·i)).
/// Every operation returns limbs below 2^52 ("loosely reduced"); only `encoded()` produces the
/// canonical value. No operation branches on, or indexes memory by, the value: choices are
/// made with all-ones/all-zeros masks (`UInt64`), the convention of every `…Mask` member.
struct FieldElement: Sendable {
    var l0: UInt64
    var l1: UInt64
    var l2: UInt64
    var l3: UInt64
    var l4: UInt64

    static let limbMask: UInt64 = (1 << 51) - 1

    /// The element from five limbs; callers keep each limb below 2^52.
    init(limbs l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64, _ l4: UInt64) {
        self.l0 = l0
        self.l1 = l1
        self.l2 = l2
        self.l3 = l3
        self.l4 = l4
    }

    /// A small constant.
    init(_ value: UInt32) {
        self.init(limbs: UInt64(value), 0, 0, 0, 0)
    }

    static let zero = FieldElement(0)
    static let one = FieldElement(1)

    /// Decodes 32 little-endian bytes as RFC 7748's decodeUCoordinate does: bit 255 is masked
    /// off, and values from p to 2^255 - 1 (non-canonical) are accepted and reduced by arithmetic.
    /// `bytes` must be 32 bytes long (a caller's contract; the length is public).
    init(decoding bytes: [UInt8]) {
        precondition(bytes.count == 32, "a field element is encoded in 32 bytes")
        func word(_ index: Int) -> UInt64 {
            var value: UInt64 = 0
            for offset in (0..<8).reversed() {
                value = (value << 8) | UInt64(bytes[8 * index + offset])
            }
            return value
        }
        let w0 = word(0)
        let w1 = word(1)
        let w2 = word(2)
        let w3 = word(3) & 0x7FFF_FFFF_FFFF_FFFF
        let mask = Self.limbMask
        self.init(
            limbs: w0 & mask,
            ((w0 >> 51) | (w1 << 13)) & mask,
            ((w1 >> 38) | (w2 << 26)) & mask,
            ((w2 >> 25) | (w3 << 39)) & mask,
            w3 >> 12
        )
    }

    /// The canonical encoding: the value reduced into [0, p), 32 bytes little-endian, bit 255 clear.
    func encoded() -> [UInt8] {
        var h = self
        h.propagateCarries()
        // Now h < 2^255 + 2^13 < 2p. q = 1 exactly when h >= p, i.e. when h + 19 >= 2^255.
        var q = (h.l0 &+ 19) >> 51
        q = (h.l1 &+ q) >> 51
        q = (h.l2 &+ q) >> 51
        q = (h.l3 &+ q) >> 51
        q = (h.l4 &+ q) >> 51
        // h - q·p = h + 19·q - q·2^255: add 19·q, carry through, drop bit 255.
        let mask = Self.limbMask
        h.l0 = h.l0 &+ 19 &* q
        h.l1 = h.l1 &+ (h.l0 >> 51)
        h.l0 &= mask
        h.l2 = h.l2 &+ (h.l1 >> 51)
        h.l1 &= mask
        h.l3 = h.l3 &+ (h.l2 >> 51)
        h.l2 &= mask
        h.l4 = h.l4 &+ (h.l3 >> 51)
        h.l3 &= mask
        h.l4 &= mask

        let words: [UInt64] = [
            h.l0 | (h.l1 << 51),
            (h.l1 >> 13) | (h.l2 << 38),
            (h.l2 >> 26) | (h.l3 << 25),
            (h.l3 >> 39) | (h.l4 << 12),
        ]
        var bytes = [UInt8](repeating: 0, count: 32)
        for (index, word) in words.enumerated() {
            for offset in 0..<8 {
                bytes[8 * index + offset] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(offset)))
            }
        }
        return bytes
    }

    /// Carries each limb's bits above 51 into the next one, folding the top carry back as ×19
    /// (2^255 ≡ 19). Accepts limbs below 2^63; leaves limbs below 2^51 except l1 < 2^51 + 2^13.
    mutating func propagateCarries() {
        let mask = Self.limbMask
        l1 = l1 &+ (l0 >> 51)
        l0 &= mask
        l2 = l2 &+ (l1 >> 51)
        l1 &= mask
        l3 = l3 &+ (l2 >> 51)
        l2 &= mask
        l4 = l4 &+ (l3 >> 51)
        l3 &= mask
        l0 = l0 &+ 19 &* (l4 >> 51)
        l4 &= mask
        l1 = l1 &+ (l0 >> 51)
        l0 &= mask
    }
}

// MARK: - Ring operations

extension FieldElement {
    static func + (lhs: FieldElement, rhs: FieldElement) -> FieldElement {
        var sum = FieldElement(
            limbs: lhs.l0 &+ rhs.l0, lhs.l1 &+ rhs.l1, lhs.l2 &+ rhs.l2, lhs.l3 &+ rhs.l3, lhs.l4 &+ rhs.l4)
        sum.propagateCarries()
        return sum
    }

    /// lhs + 4p - rhs, so that no limb underflows (rhs limbs are below 2^52 < 4p's limbs).
    static func - (lhs: FieldElement, rhs: FieldElement) -> FieldElement {
        let fourPLow: UInt64 = 0x1F_FFFF_FFFF_FFB4  // 4·(2^51 - 19)
        let fourPHigh: UInt64 = 0x1F_FFFF_FFFF_FFFC  // 4·(2^51 - 1)
        var difference = FieldElement(
            limbs: (lhs.l0 &+ fourPLow) &- rhs.l0,
            (lhs.l1 &+ fourPHigh) &- rhs.l1,
            (lhs.l2 &+ fourPHigh) &- rhs.l2,
            (lhs.l3 &+ fourPHigh) &- rhs.l3,
            (lhs.l4 &+ fourPHigh) &- rhs.l4)
        difference.propagateCarries()
        return difference
    }

    static prefix func - (value: FieldElement) -> FieldElement {
        .zero - value
    }

    static func * (lhs: FieldElement, rhs: FieldElement) -> FieldElement {
        @inline(__always) func wide(_ a: UInt64, _ b: UInt64) -> UInt128 {
            UInt128(a) &* UInt128(b)
        }
        let (a0, a1, a2, a3, a4) = (lhs.l0, lhs.l1, lhs.l2, lhs.l3, lhs.l4)
        let (b0, b1, b2, b3, b4) = (rhs.l0, rhs.l1, rhs.l2, rhs.l3, rhs.l4)
        // Limbs that wrap past 2^255 come back multiplied by 19.
        let (b1x19, b2x19, b3x19, b4x19) = (b1 &* 19, b2 &* 19, b3 &* 19, b4 &* 19)

        let r0 = wide(a0, b0) &+ wide(a1, b4x19) &+ wide(a2, b3x19) &+ wide(a3, b2x19) &+ wide(a4, b1x19)
        var r1 = wide(a0, b1) &+ wide(a1, b0) &+ wide(a2, b4x19) &+ wide(a3, b3x19) &+ wide(a4, b2x19)
        var r2 = wide(a0, b2) &+ wide(a1, b1) &+ wide(a2, b0) &+ wide(a3, b4x19) &+ wide(a4, b3x19)
        var r3 = wide(a0, b3) &+ wide(a1, b2) &+ wide(a2, b1) &+ wide(a3, b0) &+ wide(a4, b4x19)
        var r4 = wide(a0, b4) &+ wide(a1, b3) &+ wide(a2, b2) &+ wide(a3, b1) &+ wide(a4, b0)

        let mask = UInt128(limbMask)
        r1 = r1 &+ (r0 >> 51)
        r2 = r2 &+ (r1 >> 51)
        r3 = r3 &+ (r2 >> 51)
        r4 = r4 &+ (r3 >> 51)
        let folded = (r0 & mask) &+ (r4 >> 51) &* 19
        var product = FieldElement(
            limbs: UInt64(truncatingIfNeeded: folded & mask),
            UInt64(truncatingIfNeeded: r1 & mask) &+ UInt64(truncatingIfNeeded: folded >> 51),
            UInt64(truncatingIfNeeded: r2 & mask),
            UInt64(truncatingIfNeeded: r3 & mask),
            UInt64(truncatingIfNeeded: r4 & mask))
        product.propagateCarries()
        return product
    }

    /// self · self.
    func squared() -> FieldElement {
        self * self
    }
}

// MARK: - Constant-time choice and comparison

extension FieldElement {
    /// `whenSet` where `mask` is all ones, `whenClear` where it is all zeros; no branch.
    static func select(_ whenSet: FieldElement, _ whenClear: FieldElement, mask: UInt64) -> FieldElement {
        FieldElement(
            limbs: whenClear.l0 ^ (mask & (whenClear.l0 ^ whenSet.l0)),
            whenClear.l1 ^ (mask & (whenClear.l1 ^ whenSet.l1)),
            whenClear.l2 ^ (mask & (whenClear.l2 ^ whenSet.l2)),
            whenClear.l3 ^ (mask & (whenClear.l3 ^ whenSet.l3)),
            whenClear.l4 ^ (mask & (whenClear.l4 ^ whenSet.l4)))
    }

    /// Swaps `a` and `b` when `mask` is all ones, leaves them when it is all zeros; no branch.
    static func conditionalSwap(_ a: inout FieldElement, _ b: inout FieldElement, mask: UInt64) {
        let first = a
        a = select(b, a, mask: mask)
        b = select(first, b, mask: mask)
    }

    /// All ones when the element is 0 mod p.
    var isZeroMask: UInt64 {
        var accumulator: UInt8 = 0
        for byte in encoded() {
            accumulator |= byte
        }
        return ConstantTime.isZeroMask(UInt64(accumulator))
    }

    /// All ones when both elements are equal mod p.
    func equalMask(_ other: FieldElement) -> UInt64 {
        (self - other).isZeroMask
    }

    /// RFC 9380's sgn0 for this field: the low bit of the canonical value (0 or 1).
    var sign: UInt64 {
        UInt64(encoded()[0] & 1)
    }
}
