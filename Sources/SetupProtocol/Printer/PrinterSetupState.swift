/// The printer's setup-mode state that outlives one connection (SPEC §11): the PIN or button
/// window, attempts left, lock-out, expiry, and which session (if any) is active.
public struct PrinterSetupState: Sendable {
    /// A PIN that is shown or printed.
    public struct ActivePIN: Sendable {
        /// The PIN.
        public var pin: SetupPIN
        /// When it was shown or printed (for a PIN rotated after wrong attempts: when its lock-out
        /// ends); it expires ``ProtocolTimeouts/pinLifetime`` later.
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
        /// The attempts of the last PIN allowed in a row were used up: setup mode ended, no PIN
        /// is shown until the owner acts (SPEC §11.3).
        case setupModeEnded
    }

    /// PINs whose attempts may be used up in a row (without a success or an owner action in
    /// between) before setup mode ends: the lock-outs are 30, 60, 120, 240 and 480 s, then the
    /// sixth rotation ends setup mode (SPEC §11.3, §2).
    public static let maximumRotationsInARow = 6

    /// The advertised auth method.
    public let authMethod: AuthMethod
    /// Attempts per PIN (default 3).
    public let maximumAttempts: UInt8
    /// The credential state.
    public private(set) var credential: Credential
    private(set) var activeSession: UInt64?
    private var nextSessionToken: UInt64 = 1
    /// Failed attempts since the last success or owner action, across PIN renewals (SPEC §11.3).
    public private(set) var failuresInARow = 0
    /// When setup mode ends (no automatic renewal after it); set by the owner's action.
    public private(set) var setupModeEndsAt: MonotonicInstant?
    /// Setup mode ended (rotations used up, or its time ran out): no PIN until the owner acts.
    public private(set) var setupModeEnded = false

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

    /// The owner acts (enters setup mode, asks for a new PIN): generates a PIN that the shell
    /// shows or prints now; resets attempts, lock-out and the failures in a row, and setup mode
    /// runs for ``ProtocolTimeouts/setupMode`` from now. Returns nil in button mode.
    @discardableResult
    public mutating func showNewPIN(now: MonotonicInstant, random: inout some RandomSource) -> SetupPIN? {
        guard authMethod.usesPIN else { return nil }
        let pin = SetupPIN.generate(using: &random)
        show(pin, now: now)
        return pin
    }

    /// Uses `pin`, generated elsewhere (e.g. printed on the configuration page), shown from `now`,
    /// as an owner action (see ``showNewPIN(now:random:)``). Ignored in button mode.
    public mutating func show(_ pin: SetupPIN, now: MonotonicInstant) {
        guard authMethod.usesPIN else { return }
        failuresInARow = 0
        setupModeEnded = false
        setupModeEndsAt = now.adding(seconds: ProtocolTimeouts.setupMode)
        credential = .pin(ActivePIN(pin: pin, shownAt: now, attemptsLeft: maximumAttempts, lockedUntil: nil))
    }

    /// The printer renews an expired PIN by itself (no owner action): a new PIN with the attempts
    /// left before the next lock-out (the failures in a row carry over, SPEC §11.3). Returns nil,
    /// and shows nothing, once setup mode ended or its time ran out.
    public mutating func renewPIN(now: MonotonicInstant, random: inout some RandomSource) -> SetupPIN? {
        guard authMethod.usesPIN, !setupModeEnded else { return nil }
        if let endsAt = setupModeEndsAt, now >= endsAt {
            setupModeEnded = true
            credential = .noPIN
            return nil
        }
        let pin = SetupPIN.generate(using: &random)
        let left = maximumAttempts - UInt8(failuresInARow % Int(maximumAttempts))
        credential = .pin(ActivePIN(pin: pin, shownAt: now, attemptsLeft: left, lockedUntil: nil))
        return pin
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

    /// The client proved the PIN: attempts and the failures in a row reset; in button mode the
    /// window closes.
    mutating func attemptSucceeded() {
        failuresInARow = 0
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
    ///
    /// The `k`-th rotation in a row locks attempts out for 30 × 2^(k−1) s; the
    /// ``maximumRotationsInARow``-th ends setup mode instead (SPEC §11.3).
    mutating func attemptFailed(now: MonotonicInstant, random: inout some RandomSource) -> FailureOutcome {
        guard case .pin(let active) = credential else { return .buttonMode }
        failuresInARow += 1
        if active.attemptsLeft > 0 { return .attemptsLeft(active.attemptsLeft) }
        let rotation = (failuresInARow + Int(maximumAttempts) - 1) / Int(maximumAttempts)
        if rotation >= Self.maximumRotationsInARow {
            setupModeEnded = true
            credential = .noPIN
            return .setupModeEnded
        }
        let seconds = ProtocolTimeouts.lockout << UInt64(max(0, rotation - 1))
        let pin = SetupPIN.generate(using: &random)
        // The new PIN's lifetime starts when its lock-out ends, so that it outlives a long one.
        let lockedUntil = now.adding(seconds: seconds)
        credential = .pin(ActivePIN(pin: pin, shownAt: lockedUntil, attemptsLeft: maximumAttempts, lockedUntil: lockedUntil))
        return .lockedOut(retryAfterSeconds: UInt16(clamping: seconds))
    }

    /// The session no longer holds the printer.
    mutating func release(session: UInt64) {
        if activeSession == session { activeSession = nil }
    }
}
