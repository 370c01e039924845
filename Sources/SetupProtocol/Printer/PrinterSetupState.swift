/// The printer's setup-mode state that outlives one connection (SPEC §11): the PIN or button
/// window, attempts left, lock-out, expiry, and which session (if any) is active.
public struct PrinterSetupState: Sendable {
    /// A PIN that is shown or printed.
    public struct ActivePIN: Sendable {
        /// The PIN.
        public var pin: SetupPIN
        /// When it was shown or printed; it expires ``ProtocolTimeouts/pinLifetime`` later.
        public var shownAt: MonotonicInstant
        /// Attempts left before rotation.
        public var attemptsLeft: UInt8
        /// Attempts are refused until then (after a rotation caused by wrong attempts).
        public var lockedUntil: MonotonicInstant?

        /// When this PIN expires.
        public var expiresAt: MonotonicInstant { shownAt.adding(seconds: ProtocolTimeouts.pinLifetime) }
    }

    /// What the owner has shown the client side.
    public enum Credential: Sendable {
        /// PIN mode with no valid PIN (none shown yet, or expired): call ``showNewPIN(now:random:)``.
        case noPIN
        /// PIN mode with a PIN shown.
        case pin(ActivePIN)
        /// Button mode; the window is open until the instant, or closed when nil.
        case button(windowClosesAt: MonotonicInstant?)
    }

    /// The outcome of a failed attempt.
    enum FailureOutcome: Equatable {
        /// The PIN stays; this many attempts are left.
        case attemptsLeft(UInt8)
        /// The attempts are used up: a new PIN was generated (show it) and attempts are refused
        /// for this many seconds.
        case lockedOut(retryAfterSeconds: UInt16)
        /// Button mode: nothing to count.
        case buttonMode
    }

    /// The advertised auth method.
    public let authMethod: AuthMethod
    /// Attempts per PIN (default 3).
    public let maximumAttempts: UInt8
    /// The credential state.
    public private(set) var credential: Credential
    private(set) var activeSession: UInt64?
    private var nextSessionToken: UInt64 = 1

    /// Creates the state for `authMethod`; PIN modes start with no PIN shown, button mode closed.
    public init(authMethod: AuthMethod, maximumAttempts: UInt8 = 3) {
        self.authMethod = authMethod
        self.maximumAttempts = max(1, maximumAttempts)
        self.credential = authMethod.usesPIN ? .noPIN : .button(windowClosesAt: nil)
    }

    /// The PIN to show or print now, if one is valid.
    public var currentPIN: SetupPIN? {
        if case .pin(let active) = credential { return active.pin }
        return nil
    }

    /// Whether a session holds the printer (advertise "busy").
    public var isBusy: Bool { activeSession != nil }

    /// Generates a PIN that the shell shows or prints now; resets attempts and lock-out.
    /// Returns nil in button mode.
    @discardableResult
    public mutating func showNewPIN(now: MonotonicInstant, random: inout some RandomSource) -> SetupPIN? {
        guard authMethod.usesPIN else { return nil }
        let pin = SetupPIN.generate(using: &random)
        credential = .pin(ActivePIN(pin: pin, shownAt: now, attemptsLeft: maximumAttempts, lockedUntil: nil))
        return pin
    }

    /// Uses `pin`, generated elsewhere (e.g. printed on the configuration page), shown from `now`;
    /// resets attempts and lock-out. Ignored in button mode.
    public mutating func show(_ pin: SetupPIN, now: MonotonicInstant) {
        guard authMethod.usesPIN else { return }
        credential = .pin(ActivePIN(pin: pin, shownAt: now, attemptsLeft: maximumAttempts, lockedUntil: nil))
    }

    /// Button mode: the owner pressed the button; the window opens for ``ProtocolTimeouts/buttonWindow``.
    public mutating func buttonPressed(now: MonotonicInstant) {
        guard authMethod == .button else { return }
        credential = .button(windowClosesAt: now.adding(seconds: ProtocolTimeouts.buttonWindow))
    }

    /// When the PIN expires or the button window closes, for the shell's timer.
    public var nextDeadline: MonotonicInstant? {
        switch credential {
        case .noPIN, .button(nil): return nil
        case .pin(let active): return active.expiresAt
        case .button(let closesAt): return closesAt
        }
    }

    /// Applies expiry at `now`. Returns true when a PIN expired or a button window closed just now
    /// (the shell stops showing the PIN).
    @discardableResult
    public mutating func expire(now: MonotonicInstant) -> Bool {
        switch credential {
        case .pin(let active) where now >= active.expiresAt:
            credential = .noPIN
            return true
        case .button(.some(let closesAt)) where now >= closesAt:
            credential = .button(windowClosesAt: nil)
            return true
        default:
            return false
        }
    }

    // MARK: - Used by PrinterSession

    mutating func newSessionToken() -> UInt64 {
        defer { nextSessionToken += 1 }
        return nextSessionToken
    }

    /// Admits `session` to an attempt at `now` and claims the printer; returns the PRS.
    mutating func admit(session: UInt64, now: MonotonicInstant) throws(ProtocolError) -> SecretBytes {
        if let active = activeSession, active != session { throw ProtocolError(.busy) }
        if case .pin(let active) = credential, now >= active.expiresAt {
            credential = .noPIN
            throw ProtocolError(.pinExpired)
        }
        expire(now: now)
        let prs: SecretBytes
        switch credential {
        case .noPIN:
            throw ProtocolError(.noActivePIN)
        case .pin(let active):
            if let lockedUntil = active.lockedUntil, now < lockedUntil { throw ProtocolError(.lockedOut) }
            prs = active.pin.prs
        case .button(nil):
            throw ProtocolError(.buttonNotPressed)
        case .button(.some):
            prs = SecretBytes(HandshakeBinding.buttonModePRS)
        }
        activeSession = session
        return prs
    }

    /// Seconds until the lock-out ends, if locked at `now`.
    func lockoutRemaining(now: MonotonicInstant) -> UInt16? {
        guard case .pin(let active) = credential, let until = active.lockedUntil, now < until else { return nil }
        return UInt16(clamping: (until.milliseconds - now.milliseconds + 999) / 1000)
    }

    /// A ServerHello is about to be sent: the attempt counts from now on.
    mutating func beginAttempt() {
        guard case .pin(var active) = credential else { return }
        active.attemptsLeft = active.attemptsLeft > 0 ? active.attemptsLeft - 1 : 0
        credential = .pin(active)
    }

    /// The client proved the PIN: attempts reset; in button mode the window closes.
    mutating func attemptSucceeded() {
        switch credential {
        case .pin(var active):
            active.attemptsLeft = maximumAttempts
            credential = .pin(active)
        case .button:
            credential = .button(windowClosesAt: nil)
        case .noPIN:
            break
        }
    }

    /// The attempt failed (wrong tag, abandoned, timed out or disconnected after ServerHello).
    mutating func attemptFailed(now: MonotonicInstant, random: inout some RandomSource) -> FailureOutcome {
        guard case .pin(let active) = credential else { return .buttonMode }
        if active.attemptsLeft > 0 { return .attemptsLeft(active.attemptsLeft) }
        let pin = SetupPIN.generate(using: &random)
        credential = .pin(ActivePIN(
            pin: pin, shownAt: now, attemptsLeft: maximumAttempts, lockedUntil: now.adding(seconds: ProtocolTimeouts.lockout)))
        return .lockedOut(retryAfterSeconds: UInt16(ProtocolTimeouts.lockout))
    }

    /// The session no longer holds the printer.
    mutating func release(session: UInt64) {
        if activeSession == session { activeSession = nil }
    }
}
