import Foundation
import SetupHistory

/// How `smartsetup history` shows a record: a table row or a JSON object.
enum HistoryFormat {
    /// The table's header line.
    static let header = columns(["STARTED (UTC)", "KIND", "PRINTER", "ADDRESS", "SSID", "OUTCOME", "ERROR", "IPV4", "SECONDS"])

    /// A record as one table row.
    static func row(_ record: ProvisioningRecord) -> String {
        columns([
            time(record.started), record.kind, record.printerShortId ?? "-", record.printerAddress ?? "-",
            record.ssid.map(ssidText) ?? "-", record.outcome, record.error ?? "-", record.printerIPv4 ?? "-",
            String(format: "%.1f", record.finished.timeIntervalSince(record.started)),
        ])
    }

    /// A record's JSON fields: times in ISO 8601 UTC, the SSID as text when it is UTF-8 (else
    /// null) and always as hex (`ssidHex`), the phases in seconds.
    static func fields(_ record: ProvisioningRecord) -> [String: JSONValue] {
        [
            "id": record.id.map { .int(Int($0)) } ?? .null, "kind": .string(record.kind),
            "started": .string(time(record.started, fractional: true)), "finished": .string(time(record.finished, fractional: true)),
            "printerShortId": .optional(record.printerShortId), "printerName": .optional(record.printerName),
            "printerAddress": .optional(record.printerAddress), "adapter": .optional(record.adapter),
            "ssid": .optional(record.ssid.flatMap { String(validating: $0, as: UTF8.self) }),
            "ssidHex": .optional(record.ssid.map(hex)), "outcome": .string(record.outcome), "error": .optional(record.error),
            "exitCode": .int(Int(record.exitCode)), "message": .optional(record.message), "printerIPv4": .optional(record.printerIPv4),
            "phases": .object(record.phaseDurations.mapValues { .number($0) }),
        ]
    }

    /// The SSID as text when it is printable UTF-8, else `0x` and its octets in hex.
    static func ssidText(_ octets: [UInt8]) -> String {
        if let text = String(validating: octets, as: UTF8.self), !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return text
        }
        return "0x" + hex(octets)
    }

    private static func hex(_ octets: [UInt8]) -> String {
        octets.map { String(format: "%02x", $0) }.joined()
    }

    private static func time(_ date: Date, fractional: Bool = false) -> String {
        let formatter = ISO8601DateFormatter()
        if fractional { formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds] }
        return formatter.string(from: date)
    }

    private static func columns(_ values: [String]) -> String {
        let widths = [20, 9, 8, 17, 16, 9, 17, 15, 0]
        return zip(values, widths).map { value, width in
            width == 0 ? value : value.padding(toLength: max(width, value.count + 1), withPad: " ", startingAt: 0)
        }.joined()
    }
}
