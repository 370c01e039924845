import ArgumentParser
import Foundation

/// A `--since` value: an ISO 8601 time, a UTC date, or an age counted back from now.
struct SinceArgument: ExpressibleByArgument {
    /// The moment it names.
    let date: Date

    /// Parses `2026-12-05T10:00:00Z` (fractional seconds and offsets allowed), `2026-12-05`
    /// (midnight UTC) or `90s`, `30m`, `2h`, `7d`; nil (a usage error) for anything else.
    init?(argument: String) {
        guard argument.utf8.count <= 64 else { return nil }
        let internet = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let date = internet.date(from: argument) ?? fractional.date(from: argument) ?? day.date(from: argument) {
            self.date = date
            return
        }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        guard let unit = argument.last.flatMap({ units[$0] }), let count = Int(argument.dropLast()), (0...36_500 * 86_400).contains(count)
        else { return nil }
        date = Date(timeIntervalSinceNow: -Double(count) * unit)
    }

    static var defaultValueDescription: String { "all" }
}
