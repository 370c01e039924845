import SetupProtocol

extension SmartSetup {
    /// Asks the printer which networks it sees (after authenticating).
    public func wifiScan(_ target: PrinterTarget, progress: @escaping @Sendable (SetupProgress) -> Void = { _ in }) async throws(SetupError) -> [ScanResult] {
        let event = try await request(.scan, name: "scan", target: target, progress: progress)
        guard case .scanResults(let results) = event else { throw SetupError(.internalError, "unexpected answer to a scan") }
        return results
    }

    /// Asks the printer to blink, beep or print its PIN page.
    public func identify(_ target: PrinterTarget, action: IdentifyAction, progress: @escaping @Sendable (SetupProgress) -> Void = { _ in }) async throws(SetupError) {
        let event = try await request(.identify(action), name: "identify", target: target, progress: progress)
        guard case .identified = event else { throw SetupError(.internalError, "unexpected answer to identify") }
    }

    /// Asks the printer to forget its network settings and leave setup mode.
    public func reset(_ target: PrinterTarget, progress: @escaping @Sendable (SetupProgress) -> Void = { _ in }) async throws(SetupError) {
        let event = try await request(.resetNetwork, name: "reset", target: target, progress: progress)
        guard case .resetDone = event else { throw SetupError(.internalError, "unexpected answer to reset") }
    }

    /// Selects, connects, authenticates with `request` in ClientFinish and returns its answer.
    private func request(
        _ request: CentralRequest, name: String, target: PrinterTarget, progress: @escaping @Sendable (SetupProgress) -> Void
    ) async throws(SetupError) -> CentralEvent {
        let printer = try await select(target, progress: progress)
        let driver = try await open(printer, progress: progress)
        do throws(SetupError) {
            try await authenticate(driver, printer: printer, source: target.authentication, firstRequest: request, progress: progress)
            progress(.requestSent(name))
            while true {
                let event = try await nextEvent(driver)
                switch event {
                case .scanResults, .identified, .resetDone:
                    await driver.close()
                    return event
                case .requestFailed(let report):
                    throw SetupError(.internalError, "the printer rejected the \(name) request: \(report.code.summary)")
                default:
                    continue
                }
            }
        } catch {
            await driver.close()
            throw error
        }
    }
}
