import SetupCentral
import SetupLab
import SetupPrinter

extension SimulatedPrinterLab {
    /// ``start(printers:freeAdapters:mtu:interval:bus:configuration:output:)`` for a command: a lab failure
    /// becomes the ``SetupError`` with the exit code `sim` and `demo` document (10 when the
    /// simulator cannot start, 64 for an invalid printer configuration, 1 otherwise).
    static func startForCommand(
        printers count: Int, freeAdapters: Int = 1, mtu: Int, interval: Duration, bus: String? = nil,
        output: @escaping @Sendable (String) -> Void
    ) async throws(SetupError) -> SimulatedPrinterLab {
        do {
            return try await start(printers: count, freeAdapters: freeAdapters, mtu: mtu, interval: interval, bus: bus, output: output)
        } catch {
            switch error {
            case .simulatorUnavailable: throw SetupError(.noAdapter, error.message, cause: error)
            case .invalidPrinterConfiguration: throw SetupError(.usage, error.message, cause: error)
            case .printerNotStarted: throw SetupError(.internalError, error.message, cause: error)
            }
        }
    }
}
