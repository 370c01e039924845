import Foundation
@testable import SetupProtocol

/// The language-neutral event vocabulary of SPEC §13.3, as recorded in `session.json`: each event
/// is a JSON object `{"event": name, …}` whose names are those of the spec's tables.
enum EventVocabulary {
    /// The §13.3 object of a central event.
    static func object(_ event: CentralEvent) -> [String: Any] {
        switch event {
        case .authenticated: return ["event": "authenticated"]
        case .authenticationFailed(let attemptsLeft):
            var object: [String: Any] = ["event": "authenticationFailed"]
            if let attemptsLeft { object["attemptsLeft"] = Int(attemptsLeft) }
            return object
        case .attemptRefused(let report): return object(report, event: "attemptRefused")
        case .deviceInfo(let info): return ["event": "deviceInfo", "message": hex(.deviceInfo(info))]
        case .scanResults(let results): return ["event": "scanResults", "message": hex(.scanResults(results))]
        case .joinStatus(let status): return object(status)
        case .identified: return ["event": "identified"]
        case .resetDone: return ["event": "resetDone"]
        case .requestFailed(let report): return object(report, event: "requestFailed")
        case .failed(let error): return ["event": "failed", "error": name(error.kind)]
        }
    }

    /// The §13.3 object of a printer event.
    static func object(_ event: PrinterEvent) -> [String: Any] {
        switch event {
        case .authenticated: return ["event": "authenticated"]
        case .authenticationFailed(let attemptsLeft): return ["event": "authenticationFailed", "attemptsLeft": Int(attemptsLeft)]
        case .pinRotated: return ["event": "pinRotated"]
        case .setupModeEnded: return ["event": "setupModeEnded"]
        case .pinExpired: return ["event": "pinExpired"]
        case .scanRequested: return ["event": "scanRequested"]
        case .joinRequested(let credentials): return ["event": "joinRequested", "message": hex(.setCredentials(credentials))]
        case .identifyRequested(let action): return ["event": "identifyRequested", "action": Int(action.rawValue)]
        case .resetRequested: return ["event": "resetRequested"]
        case .failed(let error): return ["event": "failed", "error": name(error.kind)]
        }
    }

    /// One event object serialized canonically (sorted keys, no whitespace), for comparisons.
    static func canonical(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    private static func object(_ report: ErrorReport, event: String) -> [String: Any] {
        var object: [String: Any] = ["event": event, "code": Int(report.code.rawValue)]
        if let attemptsLeft = report.attemptsLeft { object["attemptsLeft"] = Int(attemptsLeft) }
        if let retryAfter = report.retryAfterSeconds { object["retryAfter"] = Int(retryAfter) }
        return object
    }

    private static func object(_ status: JoinStatus) -> [String: Any] {
        switch status {
        case .received: return ["event": "joinStatus", "stage": 1]
        case .associating: return ["event": "joinStatus", "stage": 2]
        case .authenticating: return ["event": "joinStatus", "stage": 3]
        case .obtainingAddress: return ["event": "joinStatus", "stage": 4]
        case .connected(let interface): return ["event": "joinStatus", "stage": 5, "address": Hex.encode(interface.encoded)]
        case .failed(let reason): return ["event": "joinStatus", "stage": 6, "reason": Int(reason.rawValue)]
        }
    }

    /// The message's plaintext octets; the vocabulary only names messages the code can encode.
    private static func hex(_ message: ApplicationMessage) -> String {
        (try? Hex.encode(message.encoded())) ?? "unencodable"
    }

    /// The §15.3 kind name, without its payload (e.g. `invalidField`).
    private static func name(_ kind: ProtocolError.Kind) -> String {
        let described = String(describing: kind)
        return String(described.prefix { $0 != "(" })
    }
}
