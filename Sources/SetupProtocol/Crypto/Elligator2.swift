/// Elligator2 for Curve25519: RFC 9380 §6.7.1 `map_to_curve_elligator2` with J = A = 486662,
/// K = 1 and Z = 2 (the suite curve25519_XMD:SHA-512_ELL2_NU_ of RFC 9380 §7.2/Appendix G.2).
///
/// Straight-line and constant time: both candidates are always computed and one is selected
/// with a mask; the only exponentiations use public exponents.
enum Elligator2 {
    /// Curve25519's Montgomery coefficient A.
    static let montgomeryA = FieldElement(486_662)
    /// The non-square Z that RFC 9380 fixes for curve25519.
    static let nonSquareZ = FieldElement(2)

    /// Maps a field element `u` to a point (x, y) on Curve25519 (Montgomery form,
    /// y² = x³ + A·x² + x). CPace uses the x coordinate only; y is returned with RFC 9380's sign
    /// choice so the map can be checked against the RFC's Q.y vectors.
    static func mapToCurve(_ u: FieldElement) -> (x: FieldElement, y: FieldElement) {
        let a = montgomeryA
        // 1. x1 = -A · inv0(1 + Z·u²)    2. if x1 == 0, x1 = -A
        var x1 = -a * (FieldElement.one + nonSquareZ * u.squared()).inverted()
        x1 = FieldElement.select(-a, x1, mask: x1.isZeroMask)
        // 3. gx1 = x1³ + A·x1² + x1      4. x2 = -x1 - A      5. gx2 = x2³ + A·x2² + x2
        let gx1 = curveEquationRightSide(x1)
        let x2 = -x1 - a
        let gx2 = curveEquationRightSide(x2)
        // 6./7. x1 with sgn0(y) = 1 when gx1 is square, else x2 with sgn0(y) = 0.
        let gx1IsSquare = gx1.isSquareMask
        let x = FieldElement.select(x1, x2, mask: gx1IsSquare)
        var y = FieldElement.select(gx1, gx2, mask: gx1IsSquare).squareRoot()
        let wantedSign = gx1IsSquare & 1
        y = FieldElement.select(-y, y, mask: ConstantTime.mask(fromBit: y.sign ^ wantedSign))
        return (x, y)
    }

    /// x³ + A·x² + x, the right-hand side of the curve equation.
    static func curveEquationRightSide(_ x: FieldElement) -> FieldElement {
        x * (x * (x + montgomeryA) + .one)
    }

    /// The u-coordinate CPace needs: decodes 32 bytes per RFC 7748 (bit 255 masked), maps them,
    /// and returns the canonical encoding of x. `bytes` must be 32 bytes long.
    static func mapToCurve(encodedFieldElement bytes: [UInt8]) -> [UInt8] {
        mapToCurve(FieldElement(decoding: bytes)).x.encoded()
    }
}
