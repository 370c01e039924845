import Foundation
import SetupCentral
import SetupProtocol
import Synchronization

/// Where the CLI writes: readable lines on a terminal, or one JSON object per line.
struct Console: Sendable {
    /// Whether output is JSON lines.
    let json: Bool

    /// Writes a line to stdout.
    func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes a line to stderr.
    func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Writes an event: a JSON object with "event" or a readable line.
    func event(_ name: String, _ fields: [String: JSONValue] = [:], text: String) {
        if json {
            var object = fields
            object["event"] = .string(name)
            line(JSONValue.object(object).line)
        } else {
            line(text)
        }
    }

    /// Reports `error` and returns its exit code.
    func report(_ error: SetupError) -> Int32 {
        if json {
            event("error", ["kind": .string(error.kindName), "exitCode": .int(Int(error.exitCode)), "message": .string(error.message)], text: "")
        } else {
            note("error: \(error.message) [\(error.kindName), exit \(error.exitCode)]")
        }
        return error.exitCode
    }

    /// Shows a progress step.
    func progress(_ step: SetupProgress) {
        switch step {
        case .scanning:
            event("scanning", text: "• Scanning for printers in setup mode…")
        case .found(let printer):
            event("found", Self.fields(printer), text: "  found \(Self.summary(printer))")
        case .selected(let printer):
            event("selected", ["shortId": .string(printer.shortID), "address": .string(printer.address)],
                  text: "• Printer \(printer.shortID) (\(printer.address)) selected")
        case .connecting(let printer):
            event("connecting", ["address": .string(printer.address)], text: "• Connecting to \(printer.address)…")
        case .connected(let mtu):
            event("connected", ["mtu": .int(mtu)], text: "• Connected, services resolved, notifications on (ATT MTU \(mtu))")
        case .authenticating(let attempt, let buttonMode):
            event("authenticating", ["attempt": .int(attempt), "buttonMode": .bool(buttonMode)],
                  text: buttonMode ? "• Authenticating in button mode (protects against eavesdroppers only)…" : "• Authenticating with the PIN (attempt \(attempt))…")
        case .authenticationFailed(let left):
            event("wrong-pin", ["attemptsLeft": left.map { .int(Int($0)) } ?? .null],
                  text: "  wrong PIN" + (left.map { ", \($0) attempts left" } ?? ""))
        case .authenticated:
            event("authenticated", text: "• Secure channel established")
        case .requestSent(let name):
            event("request-sent", ["request": .string(name)], text: "• Sent \(name) request (encrypted)")
        case .credentialsAccepted(let roundTrips):
            event("credentials-accepted", ["roundTrips": .int(roundTrips)], text: "• Printer accepted the credentials (\(roundTrips) ATT round trips)")
        case .joinStatus(let status):
            var fields: [String: JSONValue] = ["stage": .string(JoinStatusText.stage(status))]
            if case .connected(let address) = status { fields["address"] = .string(address.description) }
            if case .failed(let reason) = status { fields["reason"] = .string(JoinStatusText.describe(reason)) }
            event("join", fields, text: "  printer: \(JoinStatusText.describe(status))")
        case .resendingCredentials:
            event("resending-credentials", text: "• Sending the corrected passphrase")
        }
    }

    /// A printer's JSON fields.
    static func fields(_ printer: DiscoveredPrinter) -> [String: JSONValue] {
        let ad = printer.advertisement
        return [
            "shortId": .string(printer.shortID), "address": .string(printer.address), "name": .optional(printer.name),
            "rssi": printer.rssi.map { .int($0) } ?? .null, "auth": .string(authName(ad.authMethod)),
            "deviceClass": .string(className(ad.deviceClass)), "busy": .bool(ad.isBusy), "provisioned": .bool(ad.isProvisioned),
        ]
    }

    /// "3F0A  Printer-3F0A  AA:BB:…  -50 dBm  display PIN  printer".
    static func summary(_ printer: DiscoveredPrinter) -> String {
        let ad = printer.advertisement
        let rssi = printer.rssi.map { "\($0) dBm" } ?? "? dBm"
        let flags = (ad.isBusy ? "  busy" : "") + (ad.isProvisioned ? "  provisioned" : "")
        return "\(printer.shortID)  \(printer.name ?? "-")  \(printer.address)  \(rssi)  \(authName(ad.authMethod))  \(className(ad.deviceClass))\(flags)"
    }

    static func authName(_ method: AuthMethod) -> String {
        switch method {
        case .displayedPIN: return "display"
        case .printedPIN: return "printed"
        case .button: return "button"
        }
    }

    static func className(_ deviceClass: DeviceClass) -> String {
        switch deviceClass {
        case .unspecified: return "unspecified"
        case .printer: return "printer"
        case .multifunctionPrinter: return "multifunction"
        case .labelPrinter: return "label"
        case .scanner: return "scanner"
        }
    }
}
