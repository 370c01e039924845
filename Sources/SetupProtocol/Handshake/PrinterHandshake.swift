/// The printer's half of the CPace handshake (SPEC §9): answers a ClientHello.
public struct PrinterHandshake: Sendable {
    /// The derived keys; the client's tag is checked against them.
    public let keys: KeySchedule
    /// The ServerHello to send.
    public let serverHello: ServerHello

    /// Answers `hello` (whose record octets are `helloRecord`).
    ///
    /// Draws the printer nonce (16 octets) and then the scalar (32) from `random`.
    /// - Throws: `.unsupportedVersion` without a common version; `.invalidShare` for a low-order Ya.
    public init(
        hello: ClientHello, helloRecord: [UInt8], prs: SecretBytes, authMethod: AuthMethod, shortID: ShortID,
        supportedVersions: [UInt8] = HandshakeBinding.supportedVersions, random: inout some RandomSource
    ) throws(ProtocolError) {
        guard let chosen = HandshakeBinding.chooseVersion(offered: hello.offeredVersions, supported: supportedVersions),
              chosen == HandshakeBinding.protocolVersion else { throw ProtocolError(.unsupportedVersion) }
        let nonce = random.bytes(count: 16)
        let scalar = CPace.sampleScalar(using: &random)
        let ci = HandshakeBinding.channelIdentifier(authMethod: authMethod, shortID: shortID, clientID: hello.clientID)
        let generator = CPace.generator(prs: prs, channelIdentifier: ci, sessionID: hello.sessionID)
        let share: [UInt8]
        let shared: SecretBytes
        do {
            share = try CPace.publicShare(scalar: scalar, generator: generator)
            shared = try CPace.sharedSecret(scalar: scalar, peerShare: hello.share)
        } catch {
            throw ProtocolError(.invalidShare)
        }
        let isk = CPace.intermediateSessionKey(
            sessionID: hello.sessionID, sharedSecret: shared,
            initiatorShare: hello.share, initiatorData: HandshakeBinding.initiatorData(offeredVersions: hello.offeredVersions),
            responderShare: share,
            responderData: HandshakeBinding.responderData(chosenVersion: chosen, supportedVersions: supportedVersions, printerNonce: nonce))
        let prefix = try ServerHello.transcriptPrefix(chosenVersion: chosen, supportedVersions: supportedVersions, printerNonce: nonce, share: share)
        let keys = KeySchedule(intermediateSessionKey: isk, transcriptHash: Transcript.hash(clientHello: helloRecord, serverHelloPrefix: prefix))
        self.keys = keys
        self.serverHello = try ServerHello(
            chosenVersion: chosen, supportedVersions: supportedVersions, printerNonce: nonce, share: share,
            confirmation: keys.printerConfirmation)
    }
}
