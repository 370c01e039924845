import Testing

@testable import SetupProtocol

/// Elligator2 against RFC 9380's curve25519_XMD:SHA-512_ELL2_NU_ vectors, and its output on the curve.
@Suite("Elligator2")
struct Elligator2Tests {
    struct Fixture: Decodable {
        struct Vector: Decodable {
            let msg, u0, Q_x, Q_y: String
        }
        let suite: String
        let vectors: [Vector]
    }

    @Test func reproducesRFC9380Vectors() throws {
        let fixture = try VectorFiles.fixture("rfc9380-curve25519-ell2-nu.json", as: Fixture.self)
        #expect(fixture.suite == "curve25519_XMD:SHA-512_ELL2_NU_")
        #expect(fixture.vectors.count == 5)
        for vector in fixture.vectors {
            let u = try Hex.littleEndianFromBigEndianInteger(vector.u0)
            let expectedX = try Hex.littleEndianFromBigEndianInteger(vector.Q_x)
            let expectedY = try Hex.littleEndianFromBigEndianInteger(vector.Q_y)
            #expect(Elligator2.mapToCurve(encodedFieldElement: u) == expectedX, "u[0] = \(vector.u0)")
            let (x, y) = Elligator2.mapToCurve(FieldElement(decoding: u))
            #expect(x.encoded() == expectedX)
            #expect(y.encoded() == expectedY, "Q.y for u[0] = \(vector.u0)")
        }
    }

    @Test func outputIsOnTheCurveForRandomInputs() {
        var random = SystemRandomSource()
        for _ in 0..<100 {
            let u = FieldElement(decoding: random.bytes(count: 32))
            let (x, y) = Elligator2.mapToCurve(u)
            let rightSide = Elligator2.curveEquationRightSide(x)
            #expect(rightSide.isSquareMask == .max)
            #expect(y.squared().equalMask(rightSide) == .max)
        }
    }

    @Test func mapsZeroToThePointOfOrderTwo() {
        // u = 0: x1 = -A makes gx1 = -A, a non-square, so the map returns x2 = 0, the point
        // (0, 0) of order 2. CPace's publicShare then rejects such a generator.
        let (x, y) = Elligator2.mapToCurve(.zero)
        #expect(x.isZeroMask == .max && y.isZeroMask == .max)
        #expect(throws: CPaceError.invalidGenerator) {
            try CPace.publicShare(scalar: SecretBytes([UInt8](repeating: 7, count: 32)), generator: x.encoded())
        }
    }
}
