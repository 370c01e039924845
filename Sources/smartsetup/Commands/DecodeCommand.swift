import ArgumentParser
import Foundation
import SetupCentral
import TraceDecoding

/// `smartsetup decode`: our protocol out of a btmon capture, opened with a session key log.
struct DecodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode the smartsetup traffic in a btmon capture (btmon -w FILE).",
        discussion: """
            Finds our service's ATT traffic (handles from the service discovery in the capture, or \
            --handle), reassembles every message per connection and direction, and decodes it. \
            Sealed records show with their counter; with --keylog (the file SMARTSETUP_KEYLOGFILE \
            wrote, SPEC §18) they are opened. A passphrase shows as its length unless --show-secrets.
            """
    )

    @Argument(help: "The capture, in btsnoop monitor format (btmon -w).")
    var trace: String

    @Option(help: "A session key log (SPEC §18) that opens the sealed records.")
    var keylog: String?

    @Option(name: .customLong("handle"), help: "ROLE=HANDLE when the capture has no service discovery (role info, request or events; e.g. request=0x002a).")
    var handles: [String] = []

    @Flag(help: "One JSON object per line.")
    var json = false

    @Flag(help: "Show passphrases instead of their length.")
    var showSecrets = false

    func run() async throws {
        let console = Console(json: json)
        try await runReporting(console) { () throws(SetupError) in
            var map = HandleMap()
            do throws(TraceError) {
                for word in handles { try map.add(word) }
            } catch {
                throw SetupError(.usage, error.description)
            }
            let capture = try Self.read(trace, limit: BTSnoopReader.maximumCaptureSize, what: "capture")
            var keyLog = KeyLogFile()
            if let keylog {
                let text = String(decoding: try Self.read(keylog, limit: 1 << 20, what: "key log"), as: UTF8.self)
                do throws(TraceError) { keyLog = try KeyLogFile(text: text) } catch {
                    throw SetupError(.usage, "\(keylog): \(error.description)")
                }
            }
            let items: [TraceItem]
            do throws(TraceError) {
                items = try TraceDecoder.decode(capture: capture, keyLog: keyLog, handles: map, showSecrets: showSecrets)
            } catch {
                throw SetupError(.usage, "\(trace): \(error.description)")
            }
            for item in items { Self.show(item, on: console) }
        }
    }

    /// Reads at most `limit` octets of a file; a larger or unreadable file is a usage error.
    static func read(_ path: String, limit: Int, what: String) throws(SetupError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw SetupError(.usage, "cannot read the \(what) \(path)") }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: limit + 1) ?? Data() } catch {
            throw SetupError(.usage, "cannot read the \(what) \(path)")
        }
        guard data.count <= limit else { throw SetupError(.usage, "the \(what) \(path) is larger than \(limit) octets") }
        return Array(data)
    }

    static func show(_ item: TraceItem, on console: Console) {
        let place = item.connection.map { "hci\(item.controller) conn 0x" + String($0, radix: 16) } ?? "hci\(item.controller)"
        let arrow = switch item.direction {
        case .toPrinter: "central → printer"
        case .toCentral: "printer → central"
        case nil: "advertising"
        }
        var fields: [String: JSONValue] = [
            "record": .int(item.record), "controller": .string("hci\(item.controller)"), "message": .string(item.name),
            "fields": .object(Dictionary(item.fields.map { ($0.name, JSONValue.string($0.value)) }, uniquingKeysWith: { first, _ in first })),
        ]
        if let connection = item.connection { fields["connection"] = .int(Int(connection)) }
        if let direction = item.direction { fields["direction"] = .string(direction.rawValue) }
        if let counter = item.sealedCounter { fields["sealedCounter"] = .int(Int(counter)) }
        let sealed = item.sealedCounter.map { " [sealed #\($0)]" } ?? ""
        let text = "#\(item.record) \(place) \(arrow): \(item.name)\(sealed)"
            + (item.fields.isEmpty ? "" : " " + item.fields.map { "\($0.name)=\($0.value)" }.joined(separator: ", "))
        console.event("decoded", fields, text: text)
    }
}
