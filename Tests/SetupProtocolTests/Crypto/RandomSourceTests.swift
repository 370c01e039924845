import Testing

@testable import SetupProtocol

@Suite("RandomSource")
struct RandomSourceTests {
    @Test func fixedSourceReplaysInOrder() {
        var fixed = FixedRandomSource([1, 2, 3, 4, 5])
        #expect(fixed.remaining == 5)
        #expect(fixed.bytes(count: 2) == [1, 2])
        var buffer = [UInt8](repeating: 0, count: 3)
        fixed.fill(&buffer)
        #expect(buffer == [3, 4, 5])
        #expect(fixed.remaining == 0)
        #expect(fixed.bytes(count: 0) == [])
    }

    @Test func fixedSourceTrapsWhenExhausted() async {
        await #expect(processExitsWith: .failure) {
            var fixed = FixedRandomSource([1])
            _ = fixed.bytes(count: 2)
        }
    }

    @Test func systemSourceFillsEveryLength() {
        var random = SystemRandomSource()
        for count in [0, 1, 7, 8, 9, 32, 33] {
            #expect(random.bytes(count: count).count == count)
        }
        // 64 random bytes being all zero, or two draws being equal, has probability 2^-512.
        let first = random.bytes(count: 64)
        #expect(!ConstantTime.isAllZero(first))
        #expect(first != random.bytes(count: 64))
        // Every byte position changes: no tail left unfilled.
        var seenNonZero = [Bool](repeating: false, count: 13)
        for _ in 0..<32 {
            for (index, byte) in random.bytes(count: 13).enumerated() where byte != 0 { seenNonZero[index] = true }
        }
        #expect(seenNonZero.allSatisfy { $0 })
    }
}
