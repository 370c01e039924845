import Deadlines
import SetupCentral
import SetupProtocol
import Synchronization

/// Runs one job through the service the CLI uses (`SmartSetup`): its progress moves the job's
/// state, its `SetupError` becomes the job's `Error`, `ExitCode` and `Message`. Races the work
/// against the job's cancellation and its `Timeout`. One runner per job.
final class JobRunner: Sendable {
    let manager: JobManager
    /// Whether the caller's agent was asked for this job (then a failure withdraws the request).
    private let agentAsked = Mutex(false)

    init(manager: JobManager) { self.manager = manager }

    func run(_ job: Job, on adapter: String) async {
        job.update { snapshot in
            snapshot.adapter = adapter
            snapshot.state = .scanning
            snapshot.message = "looking for the printer"
        }
        let outcome = await withTaskGroup(of: JobOutcome.self) { group in
            group.addTask { await self.work(job, on: adapter) }
            group.addTask { .cancelled(await job.cancellation()) }
            let first = await group.next() ?? .failed(SetupError(.internalError, "the job ended without an outcome"))
            group.cancelAll()
            job.cancel(reason: "")  // wakes the cancellation waiter when the work ended first
            return first
        }
        if outcome.state != .succeeded, agentAsked.withLock({ $0 }), let agent = manager.agent(of: job.owner) {
            await agent.cancel(job: job)
        }
        job.finish(outcome)
    }

    private func work(_ job: Job, on adapter: String) async -> JobOutcome {
        let request = job.request
        let failure = AgentFailure()
        do throws(SetupError) {
            let radio = try await manager.radio(adapter)
            var options = SmartSetup.Options()
            options.connectTimeout = min(options.connectTimeout, request.timeout)
            let service = SmartSetup(radio: radio, options: options)
            let progress: @Sendable (SetupProgress) -> Void = { step in self.progress(step, job: job) }
            return try await withTimeout(
                request.timeout, timedOut: SetupError(.timedOut, "the job did not finish within its Timeout of \(Self.seconds(request.timeout))"),
                cancelled: SetupError(.cancelled, "the job was cancelled")
            ) { () throws(SetupError) -> JobOutcome in
                do throws(SetupError) {
                    let target = try await self.target(for: job, service: service, failure: failure, progress: progress)
                    return try await self.perform(job, service: service, target: target, failure: failure, progress: progress)
                } catch {
                    // An agent's failure reaches the service as "no PIN given": report the real one.
                    throw failure.error ?? error
                }
            }
        } catch {
            return .failed(error)
        }
    }

    private func perform(
        _ job: Job, service: SmartSetup, target: PrinterTarget, failure: AgentFailure, progress: @escaping @Sendable (SetupProgress) -> Void
    ) async throws(SetupError) -> JobOutcome {
        let request = job.request
        switch request.kind {
        case .pair:
            guard let credentials = request.credentials else { throw SetupError(.internalError, "a pair job without credentials") }
            let corrected: @Sendable () async -> WiFiPassphrase? = { [self] in
                guard let agent = manager.agent(of: job.owner) else { return nil }
                markAsked(job)
                do throws(SetupError) { return try await agent.requestPassphrase(job: job, ssid: credentials.ssid) } catch {
                    failure.error = error
                    return nil
                }
            }
            let result = try await service.pair(PairRequest(target: target, credentials: credentials, correctedPassphrase: corrected), progress: progress)
            return .succeeded("printer \(result.printer.shortID) joined the network with address \(result.address)", address: result.address.description)
        case .wifiScan:
            let networks = try await service.wifiScan(target, progress: progress)
            return .succeeded("the printer sees \(networks.count) network\(networks.count == 1 ? "" : "s")", networks: networks)
        case .identify:
            try await service.identify(target, action: request.action, progress: progress)
            return .succeeded("the printer shows itself")
        case .reset:
            try await service.reset(target, progress: progress)
            return .succeeded("the printer forgot its network settings")
        }
    }

    /// The service's target: the request's PIN or button mode as given; without them the
    /// printer is chosen first, then the caller's agent is asked (PIN or button).
    private func target(
        for job: Job, service: SmartSetup, failure: AgentFailure, progress: @escaping @Sendable (SetupProgress) -> Void
    ) async throws(SetupError) -> PrinterTarget {
        let request = job.request
        let selector = request.printer.map(PrinterSelector.init)
        switch request.authentication {
        case .pin(let pin): return PrinterTarget(selector: selector, authentication: .pin(pin))
        case .button: return PrinterTarget(selector: selector, authentication: .button)
        case .agent: break
        }
        let printer = try await service.select(PrinterTarget(selector: selector, authentication: .button), progress: progress)
        let chosen = PrinterSelector(printer.address)
        guard let agent = manager.agent(of: job.owner) else {
            throw SetupError(.noAgent, "the printer needs a \(printer.advertisement.authMethod == .button ? "button press" : "PIN") and the requester has no agent")
        }
        markAsked(job)
        if printer.advertisement.authMethod == .button {
            job.update { $0.message = "waiting for the printer's Wi-Fi setup button" }
            try await agent.confirmButton(job: job, printer: printer.shortID)
            return PrinterTarget(selector: chosen, authentication: .button)
        }
        let attempts = Mutex<UInt32>(0)
        return PrinterTarget(selector: chosen, authentication: .ask { left in
            let attempt = attempts.withLock { value -> UInt32 in
                value += 1
                return value
            }
            job.update { snapshot in
                snapshot.message = attempt == 1
                    ? "waiting for the PIN" : "wrong PIN" + (left.map { ", \($0) attempts left" } ?? "") + "; waiting for another"
            }
            do throws(SetupError) { return try await agent.requestPIN(job: job, printer: printer.shortID, attempt: attempt) } catch {
                failure.error = error
                return nil
            }
        })
    }

    private func markAsked(_ job: Job) {
        agentAsked.withLock { $0 = true }
    }

    private func progress(_ step: SetupProgress, job: Job) {
        switch step {
        case .selected(let printer):
            job.update { snapshot in
                snapshot.printer = printer.shortID
                snapshot.printerAddress = printer.address
                snapshot.chosen = printer
            }
            manager.chose(printer, for: job)
        case .authenticating(let attempt, _):
            job.update { snapshot in
                snapshot.state = .authenticating
                snapshot.attempt = UInt32(attempt)
                snapshot.message = "authenticating (attempt \(attempt))"
            }
        case .authenticationFailed(let left):
            job.update { $0.message = "wrong PIN" + (left.map { ", \($0) attempts left" } ?? "") }
        default:
            guard let next = JobState.after(step) else { return }
            job.update { snapshot in
                snapshot.state = next
                snapshot.message = Self.message(for: step)
            }
        }
    }

    static func message(for step: SetupProgress) -> String {
        switch step {
        case .scanning: "looking for the printer"
        case .connecting(let printer): "connecting to printer \(printer.shortID)"
        case .authenticated: "authenticated"
        case .requestSent(let name): "\(name) request sent"
        case .credentialsAccepted: "the printer accepted the credentials"
        case .joinStatus(let status): "joining: \(JoinStatusText.describe(status))"
        case .resendingCredentials: "the network rejected the passphrase; sending the corrected one"
        default: ""
        }
    }

    static func seconds(_ duration: Duration) -> String {
        let (seconds, atto) = duration.components
        return atto == 0 ? "\(seconds) s" : "\(Double(seconds) + Double(atto) / 1e18) s"
    }
}

/// What the caller's agent failed with, kept for the service's "no PIN given" to be replaced by it.
final class AgentFailure: Sendable {
    private let value = Mutex<SetupError?>(nil)

    var error: SetupError? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
