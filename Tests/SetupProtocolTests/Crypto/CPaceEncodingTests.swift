import Testing

@testable import SetupProtocol

/// The draft's string-utility vectors (prepend_len, lv_cat, o_cat, transcripts) and LEB128 edges.
@Suite("CPace string utilities")
struct CPaceEncodingTests {
    struct File: Decodable {
        struct Utilities: Decodable {
            struct Prepend: Decodable { let input, output: String }
            struct LVCat: Decodable {
                let inputs: [String]
                let output: String
            }
            struct Larger: Decodable {
                let a, b: String
                let larger: Bool
            }
            struct OCat: Decodable { let a, b, output: String }
            struct Transcript: Decodable { let Ya, ADa, Yb, ADb, output: String }
            let prepend_len: [Prepend]
            let lv_cat: [LVCat]
            let lexiographically_larger: [Larger]
            let o_cat: [OCat]
            let transcript_ir: [Transcript]
            let transcript_oc: [Transcript]
        }
        let string_utilities: Utilities
    }

    let utilities: File.Utilities

    init() throws {
        utilities = try VectorFiles.protocolVector("cpace-x25519-sha512.json", as: File.self).string_utilities
    }

    @Test func prependLength() throws {
        #expect(utilities.prepend_len.count == 4)
        for vector in utilities.prepend_len {
            #expect(Hex.encode(CPace.prependLength(try Hex.decode(vector.input))) == vector.output)
        }
    }

    @Test func leb128Boundaries() {
        #expect(CPace.leb128(0) == [0x00])
        #expect(CPace.leb128(127) == [0x7F])
        #expect(CPace.leb128(128) == [0x80, 0x01])
        #expect(CPace.leb128(300) == [0xAC, 0x02])
        #expect(CPace.leb128(16_383) == [0xFF, 0x7F])
        #expect(CPace.leb128(16_384) == [0x80, 0x80, 0x01])
    }

    @Test func lvCat() throws {
        for vector in utilities.lv_cat {
            let parts = try vector.inputs.map(Hex.decode)
            #expect(Hex.encode(CPace.lvCat(parts)) == vector.output)
        }
        #expect(CPace.lvCat([1], [], [2, 3]) == [1, 1, 0, 2, 2, 3])
        #expect(CPace.lvCat() == [])
    }

    @Test func ordering() throws {
        for vector in utilities.lexiographically_larger {
            #expect(
                CPace.isLexicographicallyLarger(try Hex.decode(vector.a), try Hex.decode(vector.b)) == vector.larger,
                "\(vector.a) > \(vector.b)")
        }
        for vector in utilities.o_cat {
            let a = try Hex.decode(vector.a)
            let b = try Hex.decode(vector.b)
            #expect(Hex.encode(CPace.oCat(a, b)) == vector.output)
            #expect(Hex.encode(CPace.oCat(b, a)) == vector.output)
        }
    }

    @Test func transcripts() throws {
        for vector in utilities.transcript_ir {
            let output = CPace.transcriptIR(
                initiatorShare: try Hex.decode(vector.Ya), initiatorData: try Hex.decode(vector.ADa),
                responderShare: try Hex.decode(vector.Yb), responderData: try Hex.decode(vector.ADb))
            #expect(Hex.encode(output) == vector.output)
        }
        for vector in utilities.transcript_oc {
            let output = CPace.transcriptOC(
                shareA: try Hex.decode(vector.Ya), dataA: try Hex.decode(vector.ADa),
                shareB: try Hex.decode(vector.Yb), dataB: try Hex.decode(vector.ADb))
            #expect(Hex.encode(output) == vector.output)
        }
    }

    @Test func generatorStringPadsToTheHashBlock() {
        // A short PRS: DSI, PRS and the padding field fill exactly one 128-byte block.
        for prsLength in [0, 1, 8, 50, 100, 117] {
            let string = CPace.generatorString(
                dsi: CPace.domainSeparator, prs: [UInt8](repeating: 0x31, count: prsLength),
                channelIdentifier: [], sessionID: [], hashBlockSize: 128)
            #expect(string.count == 128 + 2, "PRS length \(prsLength)")  // + empty CI and sid
        }
        // A long PRS gets no padding (the padding field is then just its zero length byte).
        let long = CPace.generatorString(
            dsi: CPace.domainSeparator, prs: [UInt8](repeating: 0x31, count: 200),
            channelIdentifier: [9], sessionID: [], hashBlockSize: 128)
        #expect(long == CPace.lvCat(CPace.domainSeparator, [UInt8](repeating: 0x31, count: 200), [], [9], []))
    }
}
