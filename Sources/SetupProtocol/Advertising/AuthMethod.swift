/// How the owner proves presence to the printer (SPEC §4.3): two bits in the advertisement.
public enum AuthMethod: UInt8, Hashable, Sendable, CaseIterable {
    /// The PIN is on the printer's display.
    case displayedPIN = 0
    /// The PIN is on the printed network configuration page.
    case printedPIN = 1
    /// No PIN: the owner presses a button on the printer. Protects against eavesdroppers only.
    case button = 2

    /// Whether a PIN is used (the PRS is the PIN) rather than the public button PRS.
    public var usesPIN: Bool { self != .button }
}

/// The kind of device. One octet in the advertisement.
public enum DeviceClass: UInt8, Hashable, Sendable, CaseIterable {
    /// Not stated.
    case unspecified = 0
    /// A printer.
    case printer = 1
    /// A multi-function printer (print, scan, copy).
    case multifunctionPrinter = 2
    /// A label or receipt printer.
    case labelPrinter = 3
    /// A scanner.
    case scanner = 4
}

/// The printer's short id: two octets, shown as four upper-case hex digits next to the PIN.
public struct ShortID: Hashable, Sendable, CustomStringConvertible {
    /// The value.
    public var value: UInt16

    /// Wraps a value.
    public init(_ value: UInt16) { self.value = value }

    /// Parses four hex digits (either case).
    public init?(hexDigits: String) {
        guard hexDigits.utf8.count == 4, let value = UInt16(hexDigits, radix: 16) else { return nil }
        self.value = value
    }

    /// Big-endian octets.
    public var octets: [UInt8] { value.bigEndianBytes }

    /// Four upper-case hex digits, e.g. "3F0A".
    public var description: String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
