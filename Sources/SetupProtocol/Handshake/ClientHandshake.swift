/// The client's half of the CPace handshake (SPEC §9), between ClientHello and ServerHello.
public struct ClientHandshake: Sendable {
    private let scalar: SecretBytes
    /// The ClientHello record as sent.
    public let clientHelloRecord: [UInt8]
    private let hello: ClientHello
    private let initiatorData: [UInt8]

    /// ClientHello's session id (sid, field 2).
    public var sessionID: [UInt8] { hello.sessionID }

    /// Draws sid and the scalar from `random` and builds the ClientHello.
    ///
    /// - Parameters:
    ///   - prs: the PIN's digits, or ``HandshakeBinding/buttonModePRS``.
    ///   - authMethod, shortID: from the printer's advertisement.
    ///   - clientID: this client's 16-octet identity.
    public init(
        prs: SecretBytes, authMethod: AuthMethod, shortID: ShortID, clientID: [UInt8],
        offeredVersions: [UInt8] = HandshakeBinding.supportedVersions, random: inout some RandomSource
    ) throws(ProtocolError) {
        let sessionID = random.bytes(count: 16)
        let scalar = CPace.sampleScalar(using: &random)
        let ci = HandshakeBinding.channelIdentifier(
            authMethod: authMethod, shortID: shortID, clientID: clientID)
        let generator = CPace.generator(prs: prs, channelIdentifier: ci, sessionID: sessionID)
        let share: [UInt8]
        do { share = try CPace.publicShare(scalar: scalar, generator: generator) } catch {
            throw ProtocolError(.internalError, detail: "generator rejected")
        }
        let hello = try ClientHello(offeredVersions: offeredVersions, sessionID: sessionID, clientID: clientID, share: share)
        self.scalar = scalar
        self.hello = hello
        self.initiatorData = HandshakeBinding.initiatorData(offeredVersions: offeredVersions)
        self.clientHelloRecord = try Record.clientHello(hello).encoded()
    }

    /// Checks the ServerHello and derives the keys.
    ///
    /// - Throws: `.unsupportedVersion` when the printer chose a version not offered or not the
    ///   highest common one (a downgrade); `.invalidShare` for a low-order share;
    ///   `.authenticationFailed` when the printer's tag does not verify (wrong PIN or tampering).
    public func finish(with serverHello: ServerHello) throws(ProtocolError) -> KeySchedule {
        guard let expected = HandshakeBinding.chooseVersion(offered: hello.offeredVersions, supported: serverHello.supportedVersions),
              expected == serverHello.chosenVersion else { throw ProtocolError(.unsupportedVersion) }
        let shared: SecretBytes
        do { shared = try CPace.sharedSecret(scalar: scalar, peerShare: serverHello.share) } catch {
            throw ProtocolError(.invalidShare)
        }
        let isk = CPace.intermediateSessionKey(
            sessionID: hello.sessionID, sharedSecret: shared,
            initiatorShare: hello.share, initiatorData: initiatorData,
            responderShare: serverHello.share,
            responderData: HandshakeBinding.responderData(
                chosenVersion: serverHello.chosenVersion, supportedVersions: serverHello.supportedVersions,
                printerNonce: serverHello.printerNonce))
        let keys = KeySchedule(
            intermediateSessionKey: isk,
            transcriptHash: Transcript.hash(clientHello: clientHelloRecord, serverHelloPrefix: serverHello.transcriptPrefix))
        guard keys.verifyPrinterConfirmation(serverHello.confirmation) else { throw ProtocolError(.authenticationFailed) }
        return keys
    }
}
