import Testing

@testable import SetupProtocol

/// CPace as the protocol core uses it: whole runs between two parties, and the error paths.
@Suite("CPace runs")
struct CPaceTests {
    struct Party {
        let scalar: SecretBytes
        let share: [UInt8]
        let data: [UInt8]
    }

    static func party(prs: SecretBytes, ci: [UInt8], sid: [UInt8], data: [UInt8], random: inout some RandomSource) throws -> Party {
        let g = CPace.generator(prs: prs, channelIdentifier: ci, sessionID: sid)
        let scalar = CPace.sampleScalar(using: &random)
        return Party(scalar: scalar, share: try CPace.publicShare(scalar: scalar, generator: g), data: data)
    }

    static func isk(_ me: Party, _ peer: Party, sid: [UInt8], initiator: Bool) throws -> SecretBytes {
        let k = try CPace.sharedSecret(scalar: me.scalar, peerShare: peer.share)
        let (a, b) = initiator ? (me, peer) : (peer, me)
        return CPace.intermediateSessionKey(
            sessionID: sid, sharedSecret: k, initiatorShare: a.share, initiatorData: a.data,
            responderShare: b.share, responderData: b.data)
    }

    @Test func bothSidesDeriveTheSameKey() throws {
        var random = SystemRandomSource()
        for _ in 0..<20 {
            let pin = SetupPIN.generate(using: &random)
            let ci = random.bytes(count: 24)
            let sid = random.bytes(count: 16)
            let kiosk = try Self.party(prs: pin.prs, ci: ci, sid: sid, data: [1], random: &random)
            let printer = try Self.party(prs: pin.prs, ci: ci, sid: sid, data: [2, 3], random: &random)
            let iskKiosk = try Self.isk(kiosk, printer, sid: sid, initiator: true)
            let iskPrinter = try Self.isk(printer, kiosk, sid: sid, initiator: false)
            #expect(iskKiosk == iskPrinter)
            #expect(iskKiosk.count == 64)
        }
    }

    @Test func aWrongPINGivesADifferentKey() throws {
        var random = SystemRandomSource()
        for _ in 0..<20 {
            let pin = SetupPIN.generate(using: &random)
            var wrong = SetupPIN.generate(using: &random)
            while wrong == pin { wrong = SetupPIN.generate(using: &random) }
            let ci = random.bytes(count: 8)
            let sid = random.bytes(count: 16)
            let kiosk = try Self.party(prs: wrong.prs, ci: ci, sid: sid, data: [], random: &random)
            let printer = try Self.party(prs: pin.prs, ci: ci, sid: sid, data: [], random: &random)
            #expect(try Self.isk(kiosk, printer, sid: sid, initiator: true) != Self.isk(printer, kiosk, sid: sid, initiator: false))
        }
    }

    @Test func everyInputIsBound() throws {
        var random = FixedRandomSource([UInt8](repeating: 0x11, count: 32) + [UInt8](repeating: 0x22, count: 32))
        let prs = SecretBytes(Array("12345670".utf8))
        let g = CPace.generator(prs: prs, channelIdentifier: [1], sessionID: [2])
        #expect(g != CPace.generator(prs: SecretBytes(Array("12345671".utf8)), channelIdentifier: [1], sessionID: [2]))
        #expect(g != CPace.generator(prs: prs, channelIdentifier: [9], sessionID: [2]))
        #expect(g != CPace.generator(prs: prs, channelIdentifier: [1], sessionID: [9]))
        #expect(g == CPace.generator(prs: prs.bytes, channelIdentifier: [1], sessionID: [2]))

        let a = try Self.party(prs: prs, ci: [1], sid: [2], data: [7], random: &random)
        let b = try Self.party(prs: prs, ci: [1], sid: [2], data: [8], random: &random)
        #expect(random.remaining == 0)
        let k = try CPace.sharedSecret(scalar: a.scalar, peerShare: b.share)
        let reference = CPace.intermediateSessionKey(
            sessionID: [2], sharedSecret: k, initiatorShare: a.share, initiatorData: a.data,
            responderShare: b.share, responderData: b.data)
        let variants = [
            CPace.intermediateSessionKey(
                sessionID: [3], sharedSecret: k, initiatorShare: a.share, initiatorData: a.data,
                responderShare: b.share, responderData: b.data),
            CPace.intermediateSessionKey(
                sessionID: [2], sharedSecret: k, initiatorShare: a.share, initiatorData: [9],
                responderShare: b.share, responderData: b.data),
            CPace.intermediateSessionKey(
                sessionID: [2], sharedSecret: k, initiatorShare: b.share, initiatorData: b.data,
                responderShare: a.share, responderData: a.data),
            CPace.intermediateSessionKey(
                sessionID: [2], sharedSecret: SecretBytes([UInt8](repeating: 1, count: 32)),
                initiatorShare: a.share, initiatorData: a.data, responderShare: b.share, responderData: b.data),
        ]
        for variant in variants { #expect(variant != reference) }
    }

    @Test func sampleScalarDrawsThirtyTwoBytes() {
        var fixed = FixedRandomSource(Array(0..<40))
        let scalar = CPace.sampleScalar(using: &fixed)
        #expect(scalar.bytes == Array(0..<32))
        #expect(fixed.remaining == 8)
        var random = SystemRandomSource()
        #expect(CPace.sampleScalar(using: &random) != CPace.sampleScalar(using: &random))
    }

    @Test func wrongLengthsAndLowOrderSharesAreRejected() throws {
        let scalar = SecretBytes([UInt8](repeating: 5, count: 32))
        let g = CPace.generator(prs: [1, 2, 3], channelIdentifier: [], sessionID: [])
        #expect(throws: CPaceError.invalidScalar) { try CPace.publicShare(scalar: SecretBytes([1]), generator: g) }
        #expect(throws: CPaceError.invalidGenerator) { try CPace.publicShare(scalar: scalar, generator: [1, 2]) }
        #expect(throws: CPaceError.invalidGenerator) {
            try CPace.publicShare(scalar: scalar, generator: [UInt8](repeating: 0, count: 32))
        }
        #expect(throws: CPaceError.invalidScalar) { try CPace.sharedSecret(scalar: SecretBytes([]), peerShare: g) }
        #expect(throws: CPaceError.invalidPeerShare) { try CPace.sharedSecret(scalar: scalar, peerShare: [9]) }
        #expect(throws: CPaceError.invalidPeerShare) { try CPace.sharedSecret(scalar: scalar, peerShare: g + [0]) }
        // u = 1 has order 4; with bit 255 set it must still be rejected.
        var one = [UInt8](repeating: 0, count: 32)
        one[0] = 1
        #expect(throws: CPaceError.invalidPeerShare) { try CPace.sharedSecret(scalar: scalar, peerShare: one) }
        one[31] = 0x80
        #expect(throws: CPaceError.invalidPeerShare) { try CPace.sharedSecret(scalar: scalar, peerShare: one) }
    }

    @Test func errorsAreSwitchableAndCarryNoSecret() {
        do {
            _ = try CPace.sharedSecret(scalar: SecretBytes([UInt8](repeating: 0xAB, count: 32)), peerShare: [])
            Issue.record("expected a throw")
        } catch {
            switch error.kind {
            case .invalidPeerShare: break
            case .invalidScalar, .invalidGenerator: Issue.record("wrong kind \(error.kind)")
            }
            #expect(error.description == "CPaceError.invalidPeerShare")
            #expect(!error.description.lowercased().contains("ab"))
        }
        #expect(CPaceError(kind: .invalidScalar) == .invalidScalar)
    }
}
