import SetupProtocol

/// Both sides of one session after a real handshake (displayed PIN, fixed randomness): the
/// starting point of every `sealed` input. The sessions are non-copyable (they hold the nonce
/// counters), so every input runs its own handshake; the fixed randomness makes it the same one.
struct AuthenticatedSessions: ~Copyable {
    /// The instant every input runs at.
    static let now = MonotonicInstant(milliseconds: 0)
    /// The ATT MTU of both sides.
    static let mtu = 247
    /// Credentials for the central's SetCredentials request.
    static let credentials: WiFiCredentials = {
        do throws(ProtocolError) {
            return try WiFiCredentials(ssid: Array("lab".utf8), security: .open, passphrase: nil)
        } catch {
            fatalError("the fuzzer's credentials are invalid: \(error.message)")
        }
    }()

    /// The central, authenticated, no request outstanding, its ClientFinish acknowledged.
    var central: CentralSession
    /// The printer: authenticated and idle, or after ServerHello waiting for ClientFinish (see
    /// ``handshake(deliveringFinish:)``).
    var printer: PrinterSession
    /// The printer's setup state that goes with `printer`.
    var setup: PrinterSetupState
    /// The central's confirmation tag, for a ClientFinish of the target's own.
    var confirmation: [UInt8]
    /// The session's keys (what the opt-in key log would hold).
    var keys: SessionKeyLogEntry

    /// Runs the handshake; without `deliveringFinish` the printer never sees the central's
    /// ClientFinish (it waits for one). A failure here is a bug in the protocol core, so it stops
    /// the fuzzer.
    static func handshake(deliveringFinish: Bool) -> AuthenticatedSessions {
        do throws(ProtocolError) {
            return try run(deliveringFinish: deliveringFinish)
        } catch {
            fatalError("the fuzzer's handshake failed: \(error.message)")
        }
    }

    private static func run(deliveringFinish: Bool) throws(ProtocolError) -> AuthenticatedSessions {
        var random = CountingRandom()
        var setup = PrinterSetupState(authMethod: .displayedPIN)
        guard let pin = setup.showNewPIN(now: now, random: &random) else { throw ProtocolError(.noActivePIN) }
        let info = try DeviceInfo(model: "m", serial: "s", firmware: "f", macAddress: [0, 0, 0, 0, 0, 0])
        var printer = PrinterSession(configuration: PrinterConfiguration(deviceInfo: info, shortID: ShortID(1)), setup: &setup, now: now)
        let advertisement = SetupAdvertisement(
            version: 1, authMethod: .displayedPIN, isProvisioned: false, isBusy: false, shortID: ShortID(1), deviceClass: .printer)
        var central = CentralSession(
            configuration: try CentralConfiguration(advertisement: advertisement, clientID: Array(repeating: 1, count: 16)), mtu: mtu)

        // ClientHello → printer; ServerHello → central.
        let hello = try central.startHandshake(authentication: .pin(pin), now: now, random: &random)
        var notifications: [[UInt8]] = []
        for operations in hello.compactMap(\.writes) {
            for operation in operations {
                let isRequest = if case .request = operation { true } else { false }
                let answer = printer.receiveWrite(operation.value, mtu: mtu, withResponse: isRequest, now: now, setup: &setup, random: &random)
                notifications += answer.compactMap(\.notification).joined()
            }
        }
        _ = central.writeAcknowledged(now: now)
        var finishWrites: [WriteOperation] = []
        for fragment in notifications {
            finishWrites += central.receiveNotification(fragment, now: now).compactMap(\.writes).joined()
        }

        // ClientFinish → printer, unless the printer is to wait for it.
        var reassembler = Reassembler()
        var finishRecord: [UInt8]?
        for operation in finishWrites {
            let isRequest = if case .request = operation { true } else { false }
            if deliveringFinish {
                _ = printer.receiveWrite(operation.value, mtu: mtu, withResponse: isRequest, now: now, setup: &setup, random: &random)
            }
            if let message = try reassembler.receive(operation.value, mtu: mtu, now: now) { finishRecord = message }
        }
        _ = central.writeAcknowledged(now: now)
        guard let finishRecord, case .clientFinish(let finish) = try Record.decode(finishRecord),
              central.isAuthenticated, printer.isAuthenticated == deliveringFinish, let keys = central.keyLogEntry else {
            throw ProtocolError(.authenticationFailed, detail: "the sessions did not reach the expected states")
        }
        return AuthenticatedSessions(central: central, printer: printer, setup: setup, confirmation: finish.confirmation, keys: keys)
    }
}
