import Testing

@testable import SetupProtocol

/// GF(2^255 - 19) against Python's big integers (Fixtures/field-vectors.json) and by identities.
@Suite("FieldElement")
struct FieldElementTests {
    struct Fixture: Decodable {
        struct Case: Decodable {
            let a, b, a_canonical, sum, difference, product, square, inverse, negation: String
            let a_is_square: Bool
            let elligator2_x, elligator2_y: String
        }
        let p: String
        let cases: [Case]
    }

    static func element(_ hex: String) throws -> FieldElement {
        FieldElement(decoding: try Hex.decode(hex))
    }

    static func randomElement(_ random: inout SystemRandomSource) -> FieldElement {
        // 32 random bytes with bit 255 set at random too: decoding must clear it.
        FieldElement(decoding: random.bytes(count: 32))
    }

    @Test func matchesPythonReference() throws {
        let fixture = try VectorFiles.fixture("field-vectors.json", as: Fixture.self)
        #expect(fixture.cases.count > 50)
        for testCase in fixture.cases {
            let a = try Self.element(testCase.a)
            let b = try Self.element(testCase.b)
            let label = Comment(rawValue: "a = \(testCase.a), b = \(testCase.b)")
            #expect(Hex.encode(a.encoded()) == testCase.a_canonical, label)
            #expect(Hex.encode((a + b).encoded()) == testCase.sum, label)
            #expect(Hex.encode((a - b).encoded()) == testCase.difference, label)
            #expect(Hex.encode((a * b).encoded()) == testCase.product, label)
            #expect(Hex.encode(a.squared().encoded()) == testCase.square, label)
            #expect(Hex.encode(a.inverted().encoded()) == testCase.inverse, label)
            #expect(Hex.encode((-a).encoded()) == testCase.negation, label)
            #expect((a.isSquareMask == .max) == testCase.a_is_square, label)
            #expect(a.isSquareMask == 0 || a.isSquareMask == .max, label)
            if testCase.a_is_square {
                #expect(a.squareRoot().squared().equalMask(a) == .max, label)
            }
            let (x, y) = Elligator2.mapToCurve(a)
            #expect(Hex.encode(x.encoded()) == testCase.elligator2_x, label)
            #expect(Hex.encode(y.encoded()) == testCase.elligator2_y, label)
        }
    }

    @Test func primeEncodesAsZero() throws {
        let fixture = try VectorFiles.fixture("field-vectors.json", as: Fixture.self)
        let p = try Self.element(fixture.p)
        #expect(p.encoded() == [UInt8](repeating: 0, count: 32))
        #expect(p.isZeroMask == .max)
        #expect(FieldElement.one.isZeroMask == 0)
    }

    @Test func decodingClearsBit255() {
        var withTopBit = [UInt8](repeating: 0, count: 32)
        withTopBit[0] = 5
        withTopBit[31] = 0x80
        #expect(FieldElement(decoding: withTopBit).equalMask(FieldElement(5)) == .max)
    }

    @Test func decodingAnotherLengthTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = FieldElement(decoding: [UInt8](repeating: 0, count: 31))
        }
    }

    @Test func canonicalEncodingRoundTrips() throws {
        var random = SystemRandomSource()
        for _ in 0..<200 {
            var bytes = random.bytes(count: 32)
            bytes[31] &= 0x7F
            // Values >= p (a 2^-250 chance) are not canonical; skip them if ever drawn.
            let element = FieldElement(decoding: bytes)
            let encoded = element.encoded()
            if encoded == bytes {
                #expect(FieldElement(decoding: encoded).encoded() == bytes)
            } else {
                Issue.record("random value not canonical: \(Hex.encode(bytes))")
            }
        }
    }

    @Test func ringIdentitiesHoldForRandomElements() {
        var random = SystemRandomSource()
        for _ in 0..<100 {
            let a = Self.randomElement(&random)
            let b = Self.randomElement(&random)
            let c = Self.randomElement(&random)
            #expect(((a + b) - b).equalMask(a) == .max)
            #expect((a + b).equalMask(b + a) == .max)
            #expect((a * b).equalMask(b * a) == .max)
            #expect((a * (b + c)).equalMask(a * b + a * c) == .max)
            #expect(((a * b) * c).equalMask(a * (b * c)) == .max)
            #expect((a + (-a)).isZeroMask == .max)
            #expect(a.squared().equalMask(a * a) == .max)
            #expect(a.squared().isSquareMask == .max)
            #expect(a.squared().squareRoot().squared().equalMask(a.squared()) == .max)
            if a.isZeroMask == 0 {
                #expect((a * a.inverted()).equalMask(.one) == .max)
            }
        }
    }

    @Test func nonSquareAndRootOfMinusOne() {
        #expect(Elligator2.nonSquareZ.isSquareMask == 0)
        #expect(FieldElement.squareRootOfMinusOne.squared().equalMask(-FieldElement.one) == .max)
        #expect(FieldElement.zero.isSquareMask == .max)
        #expect(FieldElement.zero.inverted().isZeroMask == .max)
    }

    @Test func selectAndSwapFollowTheMask() {
        let two = FieldElement(2)
        let three = FieldElement(3)
        #expect(FieldElement.select(two, three, mask: .max).equalMask(two) == .max)
        #expect(FieldElement.select(two, three, mask: 0).equalMask(three) == .max)
        var a = two
        var b = three
        FieldElement.conditionalSwap(&a, &b, mask: 0)
        #expect(a.equalMask(two) == .max && b.equalMask(three) == .max)
        FieldElement.conditionalSwap(&a, &b, mask: .max)
        #expect(a.equalMask(three) == .max && b.equalMask(two) == .max)
        #expect(two.sign == 0 && three.sign == 1)
        #expect((-FieldElement.one).sign == 0)  // p - 1 is even
    }
}
