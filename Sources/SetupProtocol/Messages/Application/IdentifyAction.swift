/// What the printer does to show itself (SPEC §8.6). One octet on the wire.
public enum IdentifyAction: UInt8, Hashable, Sendable, CaseIterable {
    /// Blink a light.
    case blink = 1
    /// Beep.
    case beep = 2
    /// Print the page with the PIN and short id again.
    case printPINPage = 3
}
