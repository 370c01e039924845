import SetupLink
import SetupProtocol
import Synchronization

/// An emulated printer in setup mode: the ``PrinterDriver`` with a simulated display or page,
/// Wi-Fi layer (``JoinSimulator`` over a ``NetworkTable``), identify and reset.
///
/// Reach it in memory through a ``LoopbackRadio`` or over BlueZ's peripheral API.
public final class EmulatedPrinter: LoopbackPeripheral, Sendable {
    /// The configuration.
    public let configuration: EmulatorConfiguration
    /// The printer-role driver.
    public let driver: PrinterDriver
    private let application: Application

    /// Creates a printer; `output` receives display and log lines. Call ``start()``. `keyLog`
    /// is the opt-in session key log (SPEC §18), by default the one `SMARTSETUP_KEYLOGFILE` names;
    /// `clock` runs its timers (PIN lifetime, lock-out, session deadlines).
    public init(
        configuration: EmulatorConfiguration, keyLog: SessionKeyLog? = SessionKeyLog.fromEnvironment(),
        clock: any SessionClock = SystemSessionClock(),
        output: @escaping @Sendable (String) -> Void
    ) throws(ProtocolError) {
        self.configuration = configuration
        let info = try DeviceInfo(
            model: configuration.model, serial: configuration.serial, firmware: configuration.firmware,
            macAddress: configuration.macAddress)
        application = Application(
            presenter: CredentialPresenter(configuration: configuration, output: output),
            simulator: JoinSimulator(table: configuration.networks, supportsWPA3: configuration.supportsWPA3, joinTimeout: configuration.joinTimeout),
            shortID: configuration.shortID, output: output)
        driver = PrinterDriver(
            configuration: PrinterConfiguration(deviceInfo: info, shortID: configuration.shortID),
            authMethod: configuration.authMethod, application: application, clock: clock, keyLog: keyLog)
    }

    /// Enters setup mode: shows (or prints) the first PIN, or opens the button window.
    public func start() async { await driver.startSetupMode() }

    /// The owner pressed the setup button: button mode opens its window again (also after it
    /// closed), PIN modes show a new PIN (SPEC §11.3 owner action).
    public func pressButton() async { await driver.pressButton() }

    /// The PIN presented now, for in-process callers that play the owner (tests, the demo).
    public var presentedPIN: SetupPIN? { application.state.withLock { $0.pin } }

    /// Whether the printer has joined a network.
    public var isProvisioned: Bool { application.state.withLock { $0.provisioned } }

    /// The setup advertisement as it is now.
    public func currentAdvertisement() async -> SetupAdvertisement {
        SetupAdvertisement(
            version: 1, authMethod: configuration.authMethod, isProvisioned: isProvisioned, isBusy: await driver.isBusy,
            shortID: configuration.shortID, deviceClass: configuration.deviceClass)
    }

    /// The scan-response name.
    public var localName: String? { configuration.name }

    /// The Info characteristic value.
    public func infoValue() -> [UInt8] {
        let info = try? PublicInfo(
            supportedVersions: [1], shortID: configuration.shortID, authMethod: configuration.authMethod,
            deviceClass: configuration.deviceClass, model: configuration.model)
        return (try? info?.encoded()) ?? []
    }

    /// Serves one connected central.
    public func serve(_ link: any GATTServerLink) async { await driver.serve(link) }

    /// Calls `handler` whenever the advertisement changes (busy or provisioned), so that a host
    /// can re-register it (SPEC §17).
    public func onAdvertisementChange(_ handler: @escaping @Sendable () async -> Void) {
        application.state.withLock { $0.advertisementChanged = handler }
    }

    /// Writes a log line about the printer (`[printer 3F0A] message`) to its output; never give
    /// it a secret.
    public func log(_ message: String) {
        application.output("[printer \(configuration.shortID)] \(message)")
    }

    /// The printer side's behaviour.
    final class Application: PrinterApplication {
        struct State {
            var pin: SetupPIN?
            var provisioned = false
            var advertisementChanged: (@Sendable () async -> Void)?
        }

        let presenter: CredentialPresenter
        let simulator: JoinSimulator
        let shortID: ShortID
        let output: @Sendable (String) -> Void
        let state = Mutex(State())

        init(presenter: CredentialPresenter, simulator: JoinSimulator, shortID: ShortID, output: @escaping @Sendable (String) -> Void) {
            self.presenter = presenter
            self.simulator = simulator
            self.shortID = shortID
            self.output = output
        }

        func present(_ credential: PresentedCredential) async {
            state.withLock { state in
                if case .pin(let pin, _, _) = credential { state.pin = pin } else { state.pin = nil }
            }
            presenter.present(credential)
        }

        func scanNetworks() async -> [ScanResult] {
            try? await Task.sleep(for: .milliseconds(100))
            return simulator.table.scanResults()
        }

        func join(_ credentials: WiFiCredentials, progress: @escaping @Sendable (JoinStatus) async -> Void) async {
            let ssid = String(decoding: credentials.ssid, as: UTF8.self)
            output("[printer \(shortID)] joining \"\(ssid)\" (\(credentials.ssid.count) octets, \(credentials.security.name))")
            for step in simulator.plan(for: credentials) {
                do { try await Task.sleep(for: step.delay) } catch {
                    output("[printer \(shortID)] join abandoned: the client disconnected")
                    return
                }
                if case .connected = step.status {
                    state.withLock { $0.provisioned = true }
                    await advertisementChanged()
                }
                output("[printer \(shortID)] join: \(JoinStatusText.describe(step.status))")
                await progress(step.status)
            }
        }

        func identify(_ action: IdentifyAction) async {
            output("[printer \(shortID)] identify: \(action)")
            if action == .printPINPage, let pin = state.withLock({ $0.pin }) {
                presenter.present(.pin(pin, shortID: shortID, reason: .renewed))
            }
        }

        func resetNetwork() async {
            state.withLock { $0.provisioned = false }
            await advertisementChanged()
            output("[printer \(shortID)] network settings reset")
        }

        func busyChanged(_ isBusy: Bool) async {
            await advertisementChanged()
        }

        private func advertisementChanged() async {
            await state.withLock { $0.advertisementChanged }?()
        }

        func sessionEvent(_ event: PrinterEvent) async {
            await sessionEvent(event, central: "a central", mtu: ATTLimits.minimumMTU)
        }

        /// Logs the event with the connection it happened on (which central, which MTU).
        func sessionEvent(_ event: PrinterEvent, central: String, mtu: Int) async {
            let prefix = "[printer \(shortID)] \(central) (MTU \(mtu)):"
            switch event {
            case .authenticated: output("\(prefix) client authenticated")
            // SPEC §11.2: the printer cannot tell a wrong PIN from a central that left, or failed
            // on its side, after ServerHello; both spend the attempt.
            case .authenticationFailed(let left): output("\(prefix) attempt failed (a wrong PIN, or the central gave up after ServerHello), \(left) attempts left")
            case .pinRotated: output("\(prefix) attempts used up: PIN rotated, attempts locked out for a while")
            case .setupModeEnded: output("\(prefix) attempts used up too often: setup mode ended until the owner acts")
            case .pinExpired: output("\(prefix) PIN expired")
            case .failed(let error): output("\(prefix) session ended: \(error.message)")
            case .scanRequested, .joinRequested, .identifyRequested, .resetRequested: break
            }
        }
    }
}
