/// What the printer session tells its shell to do or report.
public enum PrinterAction: Hashable, Sendable {
    /// Answer the Write Request just received: success, or an ATT application error (0x80).
    case respondToWrite(success: Bool)
    /// Answer the Write Request just received with the busy refusal (SPEC §11.4): ATT error
    /// Insufficient Authorization (0x08), which reaches only the central that wrote. Replaces
    /// ``respondToWrite(success:)`` for that write; nothing is notified.
    case refuseWriteBusy
    /// Send these fragments, in order, as notifications on Events.
    case notify([[UInt8]])
    /// Report an event to the printer's application.
    case event(PrinterEvent)
    /// Call ``PrinterSession/timerFired(now:setup:random:)`` at this instant (replaces any earlier timer).
    case setTimer(MonotonicInstant)
    /// No timer is needed any more.
    case cancelTimer
    /// Disconnect the client (after sending the notifications above).
    case disconnect
}

/// What happened, for the printer's application.
public enum PrinterEvent: Hashable, Sendable {
    /// The client proved the PIN (or the button PRS).
    case authenticated
    /// An attempt failed; this many attempts are left on the current PIN.
    case authenticationFailed(attemptsLeft: UInt8)
    /// The attempts were used up: a new PIN was generated. Show or print
    /// ``PrinterSetupState/currentPIN``; attempts are refused during the lock-out.
    case pinRotated
    /// The attempts of the last PIN allowed in a row were used up: setup mode ended, no PIN is
    /// shown until the owner acts (SPEC §11.3); stop showing the PIN.
    case setupModeEnded
    /// The PIN expired; the owner must ask for a new one.
    case pinExpired
    /// Scan and answer with ``PrinterSession/sendScanResults(_:now:)``.
    case scanRequested
    /// Join this network and report with ``PrinterSession/reportJoinStatus(_:now:)``.
    case joinRequested(WiFiCredentials)
    /// Blink, beep or print the PIN page.
    case identifyRequested(IdentifyAction)
    /// Forget the network settings and leave setup mode (the session closes).
    case resetRequested
    /// The session ended with an error.
    case failed(ProtocolError)
}

/// What the printer tells authenticated clients about itself.
public struct PrinterConfiguration: Sendable {
    /// The device information sent on request.
    public var deviceInfo: DeviceInfo
    /// The short id shown next to the PIN.
    public var shortID: ShortID
    /// The protocol versions supported.
    public var supportedVersions: [UInt8]

    /// Creates a configuration.
    public init(deviceInfo: DeviceInfo, shortID: ShortID, supportedVersions: [UInt8] = HandshakeBinding.supportedVersions) {
        self.deviceInfo = deviceInfo
        self.shortID = shortID
        self.supportedVersions = supportedVersions
    }
}
