import SetupLink
import SetupProtocol

/// The smartsetup service, used by the CLI and by kiosk software: find printers in setup mode
/// and hand one Wi-Fi credentials, or send it the other requests (scan, identify, reset).
///
/// Every operation reports ``SetupProgress`` through `progress` and fails with one
/// ``SetupError``; every wait has a deadline.
public struct SmartSetup: Sendable {
    /// Timing of the service's waits.
    public struct Options: Sendable {
        /// How long to scan for printers.
        public var scanTimeout: Duration = .seconds(5)
        /// How long to wait for a connection with resolved services.
        public var connectTimeout: Duration = .seconds(20)
        /// The longest wait for any event of a session (the protocol's own deadlines are shorter).
        public var eventTimeout: Duration = .seconds(120)

        /// Default timing.
        public init() {}
    }

    /// The Bluetooth side.
    public let radio: any SetupRadio
    /// Timing.
    public var options: Options

    /// Creates a service over `radio`.
    public init(radio: any SetupRadio, options: Options = Options()) {
        self.radio = radio
        self.options = options
    }

    /// Printers in setup mode heard advertising during the scan (``ScanScope/advertising``),
    /// strongest first.
    public func scan(progress: @escaping @Sendable (SetupProgress) -> Void = { _ in }) async throws(SetupError) -> [DiscoveredPrinter] {
        progress(.scanning)
        let printers = try await radio.scan(for: options.scanTimeout, scope: .advertising) { _ in false }
        for printer in printers { progress(.found(printer)) }
        return printers.sorted { ($0.rssi ?? -127) > ($1.rssi ?? -127) }
    }

    /// Scans, picks the printer, connects, authenticates (credentials travel in the second
    /// round trip), follows join progress — sending corrected credentials after a wrong
    /// passphrase when asked to — and returns the printer's address.
    public func pair(_ request: PairRequest, progress: @escaping @Sendable (SetupProgress) -> Void = { _ in }) async throws(SetupError) -> PairResult {
        let printer = try await select(request.target, progress: progress)
        let driver = try await open(printer, progress: progress)
        do {
            let result = try await pair(request, printer: printer, driver: driver, progress: progress)
            await driver.close()
            return result
        } catch {
            await driver.close()
            throw error
        }
    }

    private func pair(
        _ request: PairRequest, printer: DiscoveredPrinter, driver: CentralDriver, progress: @escaping @Sendable (SetupProgress) -> Void
    ) async throws(SetupError) -> PairResult {
        try await authenticate(driver, printer: printer, source: request.target.authentication, firstRequest: .setCredentials(request.credentials), progress: progress)
        progress(.requestSent("credentials"))
        var credentials = request.credentials
        var accepted: LinkStatistics?
        while true {
            switch try await nextEvent(driver) {
            case .joinStatus(let status):
                // The printer accepted the credentials with its first JoinStatus, "received"
                // (SPEC §14.1): the traffic before that message is what the budget counts.
                if accepted == nil, status == .received {
                    let untilAccepted = await driver.trafficBeforeLastEvent
                    accepted = untilAccepted
                    progress(.credentialsAccepted(roundTrips: untilAccepted.roundTrips))
                }
                progress(.joinStatus(status))
                switch status {
                case .connected(let address):
                    return PairResult(
                        printer: printer, address: address, mtu: await driver.mtu, untilAccepted: accepted ?? LinkStatistics(),
                        total: await driver.statistics)
                case .failed(.wrongPassphrase):
                    guard let corrected = await request.correctedPassphrase?() else {
                        throw SetupError(.wifiAuthenticationFailed, "the network rejected the passphrase")
                    }
                    credentials = try Self.replacing(passphrase: corrected, in: credentials)
                    progress(.resendingCredentials)
                    do { try await driver.send(.setCredentials(credentials)) } catch { throw SetupError.from(error) }
                case .failed(let reason):
                    throw Self.error(for: reason)
                case .received, .associating, .authenticating, .obtainingAddress:
                    break
                }
            case .requestFailed(let report):
                throw SetupError(.internalError, "the printer rejected the credentials: \(report.code.summary)")
            default:
                continue
            }
        }
    }

    // MARK: - Shared steps

    /// Scans and picks the printer `target` names (or the only one; or asks its chooser), among
    /// the printers heard and those the Bluetooth stack remembers (``ScanScope/includingKnown``).
    public func select(_ target: PrinterTarget, progress: @escaping @Sendable (SetupProgress) -> Void) async throws(SetupError) -> DiscoveredPrinter {
        progress(.scanning)
        let selector = target.selector
        let seen = try await radio.scan(for: options.scanTimeout, scope: .includingKnown) { printers in
            guard let selector else { return false }
            return printers.contains(where: selector.matches)
        }
        for printer in seen { progress(.found(printer)) }
        let candidates = selector.map { selector in seen.filter(selector.matches) } ?? seen
        let chosen: DiscoveredPrinter
        switch candidates.count {
        case 0:
            throw SetupError(.noPrinterFound, selector.map { "no printer in setup mode matches \($0)" } ?? "no printer in setup mode found")
        case 1:
            chosen = candidates[0]
        default:
            guard let chooser = target.chooser, let picked = await chooser(candidates) else {
                throw SetupError(.severalPrinters(candidates.map(\.shortID)),
                                 "several printers found (\(candidates.map(\.shortID).joined(separator: ", "))); choose one with --printer")
            }
            chosen = picked
        }
        progress(.selected(chosen))
        return chosen
    }

    /// Connects and opens a central driver (Events subscribed before anything is written). The
    /// client id, which ClientHello sends in clear (SPEC §7.3), is drawn anew for each
    /// connection, so that it cannot tell an observer which connections came from one kiosk.
    func open(_ printer: DiscoveredPrinter, progress: @escaping @Sendable (SetupProgress) -> Void) async throws(SetupError) -> CentralDriver {
        progress(.connecting(printer))
        let link = try await radio.connect(to: printer, timeout: options.connectTimeout)
        do {
            var random = SystemRandomSource()
            let configuration = try CentralConfiguration(advertisement: printer.advertisement, clientID: random.bytes(count: 16))
            let driver = try await CentralDriver.open(link: link, configuration: configuration)
            progress(.connected(mtu: await driver.mtu))
            return driver
        } catch {
            await link.disconnect()
            throw SetupError.from(error)
        }
    }

    /// Runs handshake attempts until authenticated, asking for the PIN again after a wrong one
    /// when the source can ask.
    func authenticate(
        _ driver: CentralDriver, printer: DiscoveredPrinter, source: PINSource, firstRequest: CentralRequest?,
        progress: @escaping @Sendable (SetupProgress) -> Void
    ) async throws(SetupError) {
        let buttonPrinter = printer.advertisement.authMethod == .button
        var authentication: CentralAuthentication
        switch source {
        case .button:
            guard buttonPrinter else { throw SetupError(.usage, "printer \(printer.shortID) wants a PIN, not button mode") }
            authentication = .button
        case .pin(let pin):
            guard !buttonPrinter else { throw SetupError(.usage, "printer \(printer.shortID) uses button mode; choose button mode to pair") }
            authentication = .pin(pin)
        case .ask(let ask):
            guard !buttonPrinter else { throw SetupError(.usage, "printer \(printer.shortID) uses button mode; choose button mode to pair") }
            guard let pin = await ask(nil) else { throw SetupError(.usage, "no PIN given") }
            authentication = .pin(pin)
        }
        var attempt = 0
        while true {
            attempt += 1
            progress(.authenticating(attempt: attempt, buttonMode: buttonPrinter))
            do { try await driver.startHandshake(authentication, firstRequest: firstRequest) } catch { throw SetupError.from(error) }
            switch try await nextEvent(driver) {
            case .authenticated:
                progress(.authenticated)
                return
            case .authenticationFailed(let left):
                progress(.authenticationFailed(attemptsLeft: left))
                guard case .ask(let ask) = source, left != 0, let pin = await ask(left) else {
                    throw SetupError(.wrongPIN(attemptsLeft: left), buttonPrinter
                        ? "the printer rejected the button-mode handshake"
                        : "wrong PIN" + (left.map { ", \($0) attempts left" } ?? ""))
                }
                authentication = .pin(pin)
            case .attemptRefused(let report):
                throw Self.error(forRefusal: report)
            case .failed(let error):
                throw SetupError.from(error)
            default:
                throw SetupError(.internalError, "unexpected event during the handshake")
            }
        }
    }

    /// The next session event; a failure event becomes the matching error.
    func nextEvent(_ driver: CentralDriver) async throws(SetupError) -> CentralEvent {
        let event: CentralEvent
        do { event = try await driver.nextEvent(within: options.eventTimeout) } catch { throw SetupError.from(error) }
        if case .failed(let error) = event { throw SetupError.from(error) }
        return event
    }

    // MARK: - Error mapping

    static func error(forRefusal report: ErrorReport) -> SetupError {
        switch report.code {
        case .lockedOut:
            return SetupError(.pinLockedOut(retryAfterSeconds: report.retryAfterSeconds),
                              "PIN attempts used up; the printer shows a new PIN" + (report.retryAfterSeconds.map { " and accepts attempts again in \($0) s" } ?? ""))
        case .busy: return SetupError(.printerRefused(.busy), "the printer is busy with another client")
        case .pinExpired: return SetupError(.printerRefused(.pinExpired), "the PIN expired; ask the printer for a new one")
        case .noActivePIN: return SetupError(.printerRefused(.noActivePIN), "the printer shows no PIN; ask it for one")
        case .buttonNotPressed: return SetupError(.printerRefused(.buttonNotPressed), "press the printer's Wi-Fi setup button first")
        default: return SetupError(.printerRefused(report.code), "the printer refused the attempt: \(report.code.summary)")
        }
    }

    static func error(for reason: JoinFailureReason) -> SetupError {
        switch reason {
        case .wrongPassphrase: return SetupError(.wifiAuthenticationFailed, "the network rejected the passphrase")
        case .networkNotFound: return SetupError(.networkNotFound, "the printer did not find the network")
        case .noAddress: return SetupError(.noAddress, "the printer joined but got no IP address")
        case .timedOut: return SetupError(.timedOut, "the printer did not finish joining in time")
        case .unsupportedSecurity, .internalError: return SetupError(.joinFailed(reason), "joining failed: \(JoinStatusText.describe(reason))")
        }
    }

    static func replacing(passphrase: WiFiPassphrase, in credentials: WiFiCredentials) throws(SetupError) -> WiFiCredentials {
        do {
            return try WiFiCredentials(
                ssid: credentials.ssid, security: credentials.security, passphrase: passphrase, isHidden: credentials.isHidden,
                staticIPv4: credentials.staticIPv4, hostname: credentials.hostname, disableWPS: credentials.disableWPS)
        } catch {
            throw SetupError(.usage, "the corrected passphrase is not valid for this network's security")
        }
    }
}
