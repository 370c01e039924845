import Testing
@testable import SetupProtocol

/// Fragmentation and reassembly rules (SPEC §6).
@Suite struct FramingTests {
    let t0 = MonotonicInstant(milliseconds: 0)

    func message(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) } }

    @Test func headerLayout() throws {
        let fragments = try Fragmenter.fragments(of: message(40), mtu: 23)
        #expect(fragments.map(\.count) == [20, 20, 5])
        #expect(Array(fragments[0].prefix(3)) == [0x80, 0x00, 40])
        #expect(fragments[1][0] == 0x01)
        #expect(fragments[2][0] == 0x42)
        let single = try Fragmenter.fragments(of: [0x22], mtu: 23)
        #expect(single == [[0xC0, 0x00, 0x01, 0x22]])
    }

    @Test(arguments: [23, 24, 50, 185, 247, 517, 1000])
    func roundTripAtEveryMTU(mtu: Int) throws {
        for size in [1, 17, 18, 19, 20, 36, 37, 500, Fragmenter.maximumMessageSize] {
            let original = message(size)
            let fragments = try Fragmenter.fragments(of: original, mtu: mtu)
            #expect(fragments.allSatisfy { $0.count <= ATTLimits.valueSize(forMTU: mtu) })
            var reassembler = Reassembler()
            var output: [UInt8]?
            for (index, fragment) in fragments.enumerated() {
                output = try reassembler.receive(fragment, mtu: mtu, now: t0)
                #expect((output != nil) == (index == fragments.count - 1))
            }
            #expect(output == original)
        }
    }

    @Test func sequenceNumbersWrapModulo64() throws {
        let fragments = try Fragmenter.fragments(of: message(2000), mtu: 23)
        #expect(fragments.count > 64)
        #expect(fragments[64][0] & 0x3F == 0)
        var reassembler = Reassembler()
        var result: [UInt8]?
        for fragment in fragments { result = try reassembler.receive(fragment, mtu: 23, now: t0) }
        #expect(result == message(2000))
    }

    func reject(_ fragments: [[UInt8]], mtu: Int = 23, _ kind: ProtocolError.Kind) {
        var reassembler = Reassembler()
        #expect(throws: ProtocolError(kind)) {
            for fragment in fragments { _ = try reassembler.receive(fragment, mtu: mtu, now: t0) }
        }
        #expect(!reassembler.isCollecting)
    }

    @Test func rejectsBrokenFragmentSequences() throws {
        let f = try Fragmenter.fragments(of: message(60), mtu: 23)
        #expect(f.count == 4)
        reject([f[0], f[2]], .fragmentOutOfOrder)          // missing
        reject([f[0], f[1], f[1]], .fragmentOutOfOrder)    // duplicated
        reject([f[1]], .missingFirstFragment)              // no start
        reject([f[0], f[0]], .unexpectedFirstFragment)     // restart
        reject([f[0], f[1], f[2], [0x43, 1, 2, 3, 4, 5, 6]], .fragmentOverflow)       // extra octets
        reject([f[0], f[1], [0x42, 1]], .truncatedMessage)                             // LAST too early
        reject([[]], .malformedFragment)
        reject([[0x80, 0x00]], .malformedFragment)
        reject([[0x01]], .malformedFragment)                                           // empty payload
        reject([[0xC0, 0x08, 0x01, 0x00]], .messageTooLarge)                            // 2049 announced
        reject([[0x85, 0x00, 0x02, 0x00]], .fragmentOutOfOrder)                         // FIRST with sequence 5
        reject([[0xC0, 0x00, 0x01] + Array(repeating: 0, count: 18)], .fragmentTooLarge) // 21 > 20 at MTU 23
        reject([[0x80, 0x00, 0x01, 0x00]], .fragmentOverflow)                           // complete without LAST
    }

    @Test func fragmenterRefusesEmptyAndOversizedMessages() {
        #expect(throws: ProtocolError(.malformedMessage)) { try Fragmenter.fragments(of: [], mtu: 23) }
        #expect(throws: ProtocolError(.messageTooLarge)) { try Fragmenter.fragments(of: message(2049), mtu: 23) }
    }

    @Test func reassemblyDeadline() throws {
        var reassembler = Reassembler()
        #expect(reassembler.deadline == nil)
        let f = try Fragmenter.fragments(of: message(60), mtu: 23)
        _ = try reassembler.receive(f[0], mtu: 23, now: MonotonicInstant(milliseconds: 500))
        #expect(reassembler.deadline == MonotonicInstant(milliseconds: 10_500))
        reassembler.reset()
        #expect(reassembler.deadline == nil)
    }

    @Test func mtuIsClamped() {
        #expect(ATTLimits.valueSize(forMTU: 0) == 20)
        #expect(ATTLimits.valueSize(forMTU: 185) == 182)
        #expect(ATTLimits.valueSize(forMTU: 517) == 512)
    }

    @Test func fragmentCountFormulaOfTheSpec() throws {
        for mtu in [23, 24, 30, 185, 247, 515] {
            for length in [1, 2, mtu - 7, mtu - 6, mtu - 5, mtu + 50, 1000, 2048] where length >= 1 {
                let expected = length <= mtu - 6 ? 1 : 1 + (length - (mtu - 6) + (mtu - 4) - 1) / (mtu - 4)
                #expect(try Fragmenter.fragments(of: message(length), mtu: mtu).count == expected, "L=\(length) MTU=\(mtu)")
            }
        }
    }

    @Test func reassemblerAcceptsAnyFragmentBoundaries() throws {
        var random = SeededRandom(seed: 99)
        for _ in 0..<300 {
            let mtu = random.int(23...300)
            let valueSize = ATTLimits.valueSize(forMTU: mtu)
            let original = random.bytes(count: random.int(1...Fragmenter.maximumMessageSize))
            var reassembler = Reassembler()
            var offset = 0
            var sequence = 0
            var result: [UInt8]?
            while offset < original.count {
                let isFirst = offset == 0
                let room = valueSize - (isFirst ? 3 : 1)
                let take = min(random.int(1...room), original.count - offset)
                let isLast = offset + take == original.count
                var fragment: [UInt8] = []
                FragmentHeader(isFirst: isFirst, isLast: isLast, sequence: UInt8(sequence & 0x3F), messageLength: isFirst ? UInt16(original.count) : nil)
                    .encode(into: &fragment)
                fragment += original[offset..<(offset + take)]
                let output = try reassembler.receive(fragment, mtu: mtu, now: t0)
                #expect((output != nil) == isLast)
                result = output ?? result
                offset += take
                sequence += 1
            }
            #expect(result == original)
        }
    }

    @Test func randomBoundariesAndMTUs() throws {
        var random = SeededRandom(seed: 77)
        for _ in 0..<300 {
            let mtu = random.int(23...600)
            let original = random.bytes(count: random.int(1...Fragmenter.maximumMessageSize))
            var reassembler = Reassembler()
            var result: [UInt8]?
            for fragment in try Fragmenter.fragments(of: original, mtu: mtu) {
                result = try reassembler.receive(fragment, mtu: mtu, now: t0)
            }
            #expect(result == original)
        }
    }
}
