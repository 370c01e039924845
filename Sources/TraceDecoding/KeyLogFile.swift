import SetupProtocol

/// A session key log's contents (SPEC §18), by session id.
public struct KeyLogFile: Sendable {
    /// The entries by ClientHello session id.
    public private(set) var entries: [[UInt8]: SessionKeyLogEntry] = [:]

    /// No entries.
    public init() {}

    /// Parses the text of a key log: one entry per line; empty lines and lines starting with `#`
    /// are skipped.
    ///
    /// - Throws: ``TraceError/badKeyLogLine(_:)`` with the first bad line's number.
    public init(text: String) throws(TraceError) {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            do {
                let entry = try SessionKeyLogEntry(line: trimmed.hasSuffix("\r") ? trimmed.dropLast() : trimmed)
                entries[entry.sessionID] = entry
            } catch {
                throw .badKeyLogLine(index + 1)
            }
        }
    }
}
