/// One ATT write the central performs on the Request characteristic.
public enum WriteOperation: Hashable, Sendable {
    /// Write Without Response (ATT Write Command): a non-final fragment.
    case command([UInt8])
    /// Write With Response (ATT Write Request): the final fragment; report its outcome with
    /// ``CentralSession/writeAcknowledged(now:)`` or ``CentralSession/writeFailed(now:)``.
    case request([UInt8])

    /// The fragment octets.
    public var value: [UInt8] {
        switch self {
        case .command(let bytes), .request(let bytes): return bytes
        }
    }
}

/// What the central session tells its shell to do or report.
public enum CentralAction: Hashable, Sendable {
    /// Perform these writes in order on the Request characteristic (one message).
    case write([WriteOperation])
    /// Report an event to the application.
    case event(CentralEvent)
    /// Call ``CentralSession/timerFired(now:)`` at this instant (replaces any earlier timer).
    case setTimer(MonotonicInstant)
    /// No timer is needed any more.
    case cancelTimer
    /// Disconnect from the printer.
    case disconnect
}

/// What happened, for the application.
public enum CentralEvent: Hashable, Sendable {
    /// Both sides proved knowledge of the PIN (or the button PRS); the channel is secure.
    case authenticated
    /// The attempt failed (wrong PIN or tampering). `attemptsLeft` is the printer's count, if it said.
    case authenticationFailed(attemptsLeft: UInt8?)
    /// The printer refused the attempt before it started (busy, PIN expired, locked out, …).
    case attemptRefused(ErrorReport)
    /// The printer's device information.
    case deviceInfo(DeviceInfo)
    /// The networks the printer sees.
    case scanResults([ScanResult])
    /// Join progress or result.
    case joinStatus(JoinStatus)
    /// The printer carried out an Identify.
    case identified
    /// The printer reset its network settings and leaves setup mode; it will disconnect.
    case resetDone
    /// The printer rejected a request (e.g. invalid credentials); the session stays up.
    case requestFailed(ErrorReport)
    /// The session ended with an error; a `.disconnect` action follows unless already disconnected.
    case failed(ProtocolError)
}
