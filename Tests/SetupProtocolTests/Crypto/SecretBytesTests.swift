import Testing

@testable import SetupProtocol

@Suite("SecretBytes and ConstantTime")
struct SecretBytesTests {
    @Test func descriptionsAndDumpAreRedacted() {
        let secret = SecretBytes([0xDE, 0xAD, 0xBE, 0xEF])
        var dumped = ""
        dump(secret, to: &dumped)
        for text in [secret.description, secret.debugDescription, "\(secret)", String(reflecting: secret), dumped] {
            #expect(!text.lowercased().contains("dead"), "\(text)")
            #expect(!text.contains("222"), "\(text)")  // 0xDE as decimal
            #expect(text.contains("redacted"), "\(text)")
        }
        #expect(secret.description == "SecretBytes(4 bytes, redacted)")
    }

    @Test func accessGivesTheBytes() {
        let secret = SecretBytes([1, 2, 3])
        #expect(secret.bytes == [1, 2, 3])
        #expect(secret.count == 3)
        let sum = secret.withUnsafeBytes { buffer in buffer.reduce(0) { $0 + Int($1) } }
        #expect(sum == 6)
        struct Stop: Error, Equatable {}
        #expect(throws: Stop()) {
            try secret.withUnsafeBytes { (_: UnsafeRawBufferPointer) throws(Stop) -> Int in throw Stop() }
        }
    }

    @Test func theBufferIsWipedByTheDeinitsWipe() {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: 32, alignment: 1)
        defer { memory.deallocate() }
        memory.copyBytes(from: (1...32).map { UInt8($0) })
        WipedBuffer.wipe(memory)
        #expect(memory.allSatisfy { $0 == 0 })
        WipedBuffer.wipe(UnsafeMutableRawBufferPointer(start: nil, count: 0))  // nothing to do, no crash
    }

    @Test func copiesShareOneBufferThatOutlivesTheOriginal() {
        var copy: SecretBytes?
        do {
            let original = SecretBytes([9, 8, 7])
            copy = original
        }
        #expect(copy?.bytes == [9, 8, 7])
        #expect(copy == SecretBytes([9, 8, 7]))
    }

    @Test func equalityComparesContents() {
        #expect(SecretBytes([1, 2, 3]) == SecretBytes([1, 2, 3]))
        #expect(SecretBytes([1, 2, 3]) != SecretBytes([1, 2, 4]))
        #expect(SecretBytes([1, 2, 3]) != SecretBytes([1, 2]))
        #expect(SecretBytes([]) == SecretBytes([]))
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.isEqual([], []))
        #expect(ConstantTime.isEqual([0, 255, 7], [0, 255, 7]))
        #expect(!ConstantTime.isEqual([0, 255, 7], [0, 255, 6]))
        #expect(!ConstantTime.isEqual([0x80], [0x00]))
        #expect(!ConstantTime.isEqual([1, 2], [1, 2, 3]))
        var random = SystemRandomSource()
        for _ in 0..<100 {
            let a = random.bytes(count: 16)
            var b = a
            #expect(ConstantTime.isEqual(a, b))
            let index = Int(random.bytes(count: 1)[0] % 16)
            b[index] ^= 1 << (random.bytes(count: 1)[0] % 8)
            #expect(!ConstantTime.isEqual(a, b))
        }
    }

    @Test func allZeroAndMasks() {
        #expect(ConstantTime.isAllZero([0, 0, 0]))
        #expect(ConstantTime.isAllZero([]))
        #expect(!ConstantTime.isAllZero([0, 0, 0x80]))
        #expect(ConstantTime.isZeroMask(0) == .max)
        #expect(ConstantTime.isZeroMask(1) == 0)
        #expect(ConstantTime.isZeroMask(.max) == 0)
        #expect(ConstantTime.isZeroMask(1 << 63) == 0)
        #expect(ConstantTime.mask(fromBit: 1) == .max)
        #expect(ConstantTime.mask(fromBit: 0) == 0)
    }
}
