import SetupCentral

/// The states of a job (`Job1.State`), in the order a job goes through them.
public enum JobState: String, Sendable, CaseIterable, Comparable {
    /// Accepted, waiting for an adapter slot and for its printer to be free.
    case queued
    /// Looking for the printer.
    case scanning
    /// Connecting and resolving the printer's services.
    case connecting
    /// Proving the PIN, or asking the agent for it.
    case authenticating
    /// The secure channel is up; the request is on its way.
    case sending
    /// Pair only: the printer accepted the credentials and joins the network.
    case joining
    /// Final: done.
    case succeeded
    /// Final: failed; the job's error says why.
    case failed
    /// Final: cancelled.
    case cancelled

    /// Whether the state never changes again.
    public var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled }

    /// States only move forward.
    public static func < (lhs: JobState, rhs: JobState) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The state a step of the service leads to, or nil when the step does not change the state.
    public static func after(_ progress: SetupProgress) -> JobState? {
        switch progress {
        case .scanning: .scanning
        case .connecting: .connecting
        case .authenticating: .authenticating
        case .authenticated, .requestSent: .sending
        case .credentialsAccepted, .joinStatus, .resendingCredentials: .joining
        case .found, .selected, .connected, .authenticationFailed: nil
        }
    }
}
