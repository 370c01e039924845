import ArgumentParser

/// Checks for the numbers a command line gives: every one is finite and within its range, so
/// that no conversion to a duration or an integer can trap, and an odd value is refused with
/// the option's name and range instead of being used or silently changed.
enum NumberOptions {
    /// The longest `--timeout` (one day).
    static let maximumTimeout: Double = 86_400
    /// The longest `--scan-time` and `scan --timeout` (one hour).
    static let maximumScanTime: Double = 3_600
    /// The longest connection interval BLE allows (4 s).
    static let maximumIntervalMs = 4_000

    /// `value` seconds, more than zero and at most `maximum`.
    static func seconds(_ value: Double, _ option: String, maximum: Double) throws(ValidationError) {
        guard value.isFinite, value > 0, value <= maximum else {
            throw ValidationError("\(option) must be a number of seconds above 0 and at most \(Int(maximum))")
        }
    }

    /// `value` within `range`.
    static func integer(_ value: Int, _ option: String, in range: ClosedRange<Int>) throws(ValidationError) {
        guard range.contains(value) else {
            throw ValidationError("\(option) must be \(range.lowerBound) to \(range.upperBound)")
        }
    }

    /// `seconds` as a duration; call after ``seconds(_:_:maximum:)`` accepted it.
    static func duration(seconds: Double) -> Duration {
        .milliseconds(Int((seconds * 1000).rounded()))
    }
}
