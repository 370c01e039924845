import Testing

@testable import SetupProtocol

/// The X25519/SHA-512 vectors of draft-irtf-cfrg-cpace-21, reproduced bit for bit.
@Suite("CPace draft vectors")
struct CPaceVectorTests {
    struct File: Decodable {
        struct Suite: Decodable {
            let DSI: String
            let DSI_ISK: String
            let hash_block_size: Int
            let zero_padding_length: Int
        }
        struct Inputs: Decodable {
            let PRS, CI, sid, ADa, ADb, ya, yb: String
        }
        struct Outputs: Decodable {
            let generator_string, generator_string_hash, decoded_field_element, g: String
            let Ya, Yb, K: String
            let transcript_ir, isk_input_ir, ISK_IR: String
            let transcript_oc, isk_input_oc, ISK_SY: String
            let sid_output_ir, sid_output_oc: String
        }
        struct LowOrder: Decodable {
            struct Case: Decodable {
                let name, u, expected: String
                let must_abort: Bool
            }
            let s: String
            let cases: [Case]
        }
        let description: String
        let source: String
        let suite: Suite
        let inputs: Inputs
        let outputs: Outputs
        let low_order_points: LowOrder
    }

    let file: File
    let prs, ci, sid, ada, adb: [UInt8]
    let ya, yb: SecretBytes

    init() throws {
        file = try VectorFiles.protocolVector("cpace-x25519-sha512.json", as: File.self)
        prs = try Hex.decode(file.inputs.PRS)
        ci = try Hex.decode(file.inputs.CI)
        sid = try Hex.decode(file.inputs.sid)
        ada = try Hex.decode(file.inputs.ADa)
        adb = try Hex.decode(file.inputs.ADb)
        ya = SecretBytes(try Hex.decode(file.inputs.ya))
        yb = SecretBytes(try Hex.decode(file.inputs.yb))
    }

    func expected(_ keyPath: KeyPath<File.Outputs, String>) throws -> [UInt8] {
        try Hex.decode(file.outputs[keyPath: keyPath])
    }

    @Test func fileNamesTheDraftRevision() {
        #expect(file.source == "draft-irtf-cfrg-cpace-21")
        #expect(file.description.contains("draft-irtf-cfrg-cpace-21"))
        #expect(Hex.encode(CPace.domainSeparator) == file.suite.DSI)
        #expect(file.suite.hash_block_size == CPace.hashBlockSize)
    }

    @Test func generatorString() throws {
        let string = CPace.generatorString(
            dsi: CPace.domainSeparator, prs: prs, channelIdentifier: ci, sessionID: sid,
            hashBlockSize: CPace.hashBlockSize)
        #expect(string == (try expected(\.generator_string)))
        // DSI (1 + 8) and PRS (1 + 8) and the padding's own length byte fill the 128-byte block.
        #expect(string[18] == UInt8(file.suite.zero_padding_length))
    }

    @Test func generatorMatchesDraft() throws {
        let hash = try expected(\.generator_string_hash)
        let decoded = FieldElement(decoding: hash)
        #expect(decoded.encoded() == (try expected(\.decoded_field_element)))
        #expect(Elligator2.mapToCurve(encodedFieldElement: hash) == (try expected(\.g)))
        #expect(CPace.generator(prs: prs, channelIdentifier: ci, sessionID: sid) == (try expected(\.g)))
        #expect(CPace.generator(prs: SecretBytes(prs), channelIdentifier: ci, sessionID: sid) == (try expected(\.g)))
    }

    @Test func publicSharesAndSharedSecret() throws {
        let g = try expected(\.g)
        let shareA = try CPace.publicShare(scalar: ya, generator: g)
        let shareB = try CPace.publicShare(scalar: yb, generator: g)
        #expect(shareA == (try expected(\.Ya)))
        #expect(shareB == (try expected(\.Yb)))
        let kA = try CPace.sharedSecret(scalar: ya, peerShare: shareB)
        let kB = try CPace.sharedSecret(scalar: yb, peerShare: shareA)
        #expect(kA.bytes == (try expected(\.K)))
        #expect(kB.bytes == (try expected(\.K)))
    }

    @Test func initiatorResponderISK() throws {
        let shareA = try expected(\.Ya)
        let shareB = try expected(\.Yb)
        let k = SecretBytes(try expected(\.K))
        let transcript = CPace.transcriptIR(
            initiatorShare: shareA, initiatorData: ada, responderShare: shareB, responderData: adb)
        #expect(transcript == (try expected(\.transcript_ir)))
        let dsiISK = try Hex.decode(file.suite.DSI_ISK)
        #expect(CPace.lvCat(dsiISK, sid, k.bytes) + transcript == (try expected(\.isk_input_ir)))
        let isk = CPace.intermediateSessionKey(
            sessionID: sid, sharedSecret: k, initiatorShare: shareA, initiatorData: ada,
            responderShare: shareB, responderData: adb)
        #expect(isk.bytes == (try expected(\.ISK_IR)))
        #expect(
            CPace.sessionIDOutput(
                initiatorShare: shareA, initiatorData: ada, responderShare: shareB, responderData: adb)
                == (try expected(\.sid_output_ir)))
    }

    @Test func parallelISK() throws {
        let shareA = try expected(\.Ya)
        let shareB = try expected(\.Yb)
        let k = SecretBytes(try expected(\.K))
        let transcript = CPace.transcriptOC(shareA: shareA, dataA: ada, shareB: shareB, dataB: adb)
        #expect(transcript == (try expected(\.transcript_oc)))
        let dsiISK = try Hex.decode(file.suite.DSI_ISK)
        #expect(CPace.lvCat(dsiISK, sid, k.bytes) + transcript == (try expected(\.isk_input_oc)))
        let isk = CPace.intermediateSessionKeyUnordered(
            sessionID: sid, sharedSecret: k, shareA: shareA, dataA: ada, shareB: shareB, dataB: adb)
        #expect(isk.bytes == (try expected(\.ISK_SY)))
        // Unordered: swapping the parties gives the same key.
        let swapped = CPace.intermediateSessionKeyUnordered(
            sessionID: sid, sharedSecret: k, shareA: shareB, dataA: adb, shareB: shareA, dataB: ada)
        #expect(swapped == isk)
        #expect(
            CPace.sessionIDOutputUnordered(shareA: shareA, dataA: ada, shareB: shareB, dataB: adb)
                == (try expected(\.sid_output_oc)))
    }

    @Test func lowOrderPoints() throws {
        let s = SecretBytes(try Hex.decode(file.low_order_points.s))
        #expect(file.low_order_points.cases.count == 12)
        for testCase in file.low_order_points.cases {
            let u = try Hex.decode(testCase.u)
            let expectedResult = try Hex.decode(testCase.expected)
            let isNeutral = expectedResult.allSatisfy { $0 == 0 }
            #expect(isNeutral == testCase.must_abort, "\(testCase.name)")
            if testCase.must_abort {
                #expect(throws: CPaceError.invalidPeerShare, "\(testCase.name)") {
                    try CPace.sharedSecret(scalar: s, peerShare: u)
                }
            } else {
                let k = try CPace.sharedSecret(scalar: s, peerShare: u)
                #expect(k.bytes == expectedResult, "\(testCase.name)")
            }
        }
    }
}
