import Testing

@testable import SetupProtocol

/// The setup PIN against Protocol/vectors/wps-pin.json and by properties.
@Suite("SetupPIN")
struct SetupPINTests {
    struct File: Decodable {
        struct Valid: Decodable {
            let pin, first_seven: String
            let checksum: Int
        }
        struct Form: Decodable {
            let input, pin: String
        }
        struct Invalid: Decodable {
            let input, error: String
        }
        let description: String
        let valid: [Valid]
        let accepted_forms: [Form]
        let invalid: [Invalid]
    }

    let file: File

    init() throws {
        file = try VectorFiles.protocolVector("wps-pin.json", as: File.self)
    }

    static func digitValues(_ text: String) -> [UInt8] {
        text.utf8.map { $0 - UInt8(ascii: "0") }
    }

    @Test func validPINsParseAndHaveTheirChecksum() throws {
        #expect(file.valid.contains { $0.pin == "12345670" })
        for vector in file.valid {
            let pin = try SetupPIN(validating: vector.pin)
            #expect(pin.prs.bytes == Array(vector.pin.utf8))
            #expect(SetupPIN.checksumDigit(ofFirstSeven: Self.digitValues(vector.first_seven)) == UInt8(vector.checksum))
        }
    }

    @Test func acceptedFormsParseToTheSamePIN() throws {
        for form in file.accepted_forms {
            let pin = try SetupPIN(validating: form.input)
            #expect(pin.prs.bytes == Array(form.pin.utf8), "\(form.input.debugDescription)")
            #expect(pin == (try SetupPIN(validating: form.pin)))
        }
    }

    @Test func invalidPINsFailWithTheExpectedKind() throws {
        let kinds: [String: PINError] = [
            "wrongLength": .wrongLength, "notDigits": .notDigits, "badChecksum": .badChecksum,
        ]
        #expect(Set(file.invalid.map(\.error)) == Set(kinds.keys))
        for vector in file.invalid {
            let expected = try #require(kinds[vector.error])
            #expect(throws: expected, "\(vector.input.debugDescription)") {
                try SetupPIN(validating: vector.input)
            }
        }
    }

    @Test func everyWrongLastDigitIsCaught() throws {
        for vector in file.valid {
            let firstSeven = vector.first_seven
            for last in 0...9 where last != vector.checksum {
                #expect(throws: PINError.badChecksum) { try SetupPIN(validating: firstSeven + String(last)) }
            }
        }
    }

    @Test func checksumMatchesHostapdArithmeticForManyValues() {
        // hostapd's loop, transcribed into the test as an independent reference.
        func hostapdChecksum(_ pin: UInt32) -> UInt8 {
            var accumulator: UInt32 = 0
            var rest = pin
            while rest != 0 {
                accumulator += 3 * (rest % 10)
                rest /= 10
                accumulator += rest % 10
                rest /= 10
            }
            return UInt8((10 - accumulator % 10) % 10)
        }
        for value in stride(from: UInt32(0), to: 10_000_000, by: 7_919) {
            var digits = [UInt8](repeating: 0, count: 7)
            var rest = value
            for index in (0..<7).reversed() {
                digits[index] = UInt8(rest % 10)
                rest /= 10
            }
            #expect(SetupPIN.checksumDigit(ofFirstSeven: digits) == hostapdChecksum(value))
        }
    }

    @Test func generatedPINsAreValidAndDeterministicFromFixedBytes() throws {
        // 250...255 are rejected, so 0xFA and 0xFF are skipped; 249 mod 10 = 9; checksum of 1234569 is 4.
        var fixed = FixedRandomSource([0xFA, 1, 2, 0xFF, 3, 4, 5, 6, 249])
        let pin = SetupPIN.generate(using: &fixed)
        #expect(fixed.remaining == 0)
        #expect(pin.revealedForDisplay() == "1234-5694")
        #expect(pin == (try SetupPIN(validating: "12345694")))

        var random = SystemRandomSource()
        var seen = Set<String>()
        for _ in 0..<200 {
            let generated = SetupPIN.generate(using: &random)
            let text = generated.revealedForDisplay()
            #expect((try? SetupPIN(validating: text)) == generated)
            seen.insert(text)
        }
        #expect(seen.count > 190)
    }

    @Test func generatedDigitsAreUniform() {
        var random = SystemRandomSource()
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<2_000 {
            let digits = SetupPIN.generate(using: &random).prs.bytes.prefix(7)
            for digit in digits { counts[Int(digit - UInt8(ascii: "0"))] += 1 }
        }
        // 14,000 digits, 1,400 expected per value; ±300 is over 8 standard deviations.
        #expect(counts.allSatisfy { abs($0 - 1_400) < 300 }, "\(counts)")
    }

    @Test func descriptionsAndDumpAreRedacted() throws {
        let pin = try SetupPIN(validating: "8765-4325")
        #expect(SetupPIN.checksumDigit(ofFirstSeven: [8, 7, 6, 5, 4, 3, 2]) == 5)
        var dumped = ""
        dump(pin, to: &dumped)
        for text in [pin.description, pin.debugDescription, String(describing: pin), String(reflecting: pin), dumped] {
            #expect(!text.contains("8765"), "\(text)")
            #expect(!text.contains("4325"), "\(text)")
            #expect(text.contains("redacted"), "\(text)")
        }
        #expect(PINError.badChecksum.description == "the last digit does not match the first seven (a typo?)")
        #expect(PINError(kind: .wrongLength) == .wrongLength)
        #expect(PINError.notDigits.kind == .notDigits)
        #expect(SetupPIN.digitCount == 8)
    }
}
