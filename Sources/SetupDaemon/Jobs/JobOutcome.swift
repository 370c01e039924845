import SetupCentral
import SetupProtocol

/// How a finished job ended: its `Error` name, `ExitCode` and `Message`.
public struct JobOutcome: Sendable, Equatable {
    /// `succeeded`, `failed` or `cancelled`.
    public var state: JobState
    /// The failure's name (`""` on success).
    public var error: String
    /// What `smartsetup` would exit with.
    public var exitCode: Int32
    /// For a person; never a secret.
    public var message: String
    /// The printer's address on the network (a pair job's success), else "".
    public var address = ""
    /// The networks the printer sees (a wifi-scan job's success).
    public var networks: [ScanResult] = []

    /// Success with `message`.
    public static func succeeded(_ message: String, address: String = "", networks: [ScanResult] = []) -> JobOutcome {
        JobOutcome(state: .succeeded, error: "", exitCode: 0, message: message, address: address, networks: networks)
    }

    /// The outcome of a service failure: `cancelled` keeps its own state, every other kind fails.
    public static func failed(_ error: SetupError) -> JobOutcome {
        JobOutcome(state: error.kind == .cancelled ? .cancelled : .failed, error: error.kindName, exitCode: error.exitCode, message: error.message)
    }

    /// Cancelled, for the reason given.
    public static func cancelled(_ reason: String) -> JobOutcome {
        failed(SetupError(.cancelled, reason))
    }
}
