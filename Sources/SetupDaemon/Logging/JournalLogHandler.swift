#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization

/// A swift-log handler for the daemon: one line per entry on standard error,
/// `message key=value ...` with the metadata sorted. When `JOURNAL_STREAM` is set (started by
/// systemd with stderr to the journal) each line starts with its syslog priority, `<3>` to
/// `<7>`, which journald turns into the entry's priority; otherwise with the level's name.
/// Callers never put a secret into a message or metadata.
public struct JournalLogHandler: LogHandler {
    /// The entry's level at which lines are written.
    public var logLevel: Logger.Level
    /// Metadata attached to every entry.
    public var metadata: Logger.Metadata = [:]
    /// Whether lines carry journald priority prefixes.
    public let journald: Bool
    private let write: @Sendable (String) -> Void

    /// A handler writing to `write` (standard error by default); `journald` defaults to
    /// whether `JOURNAL_STREAM` is set.
    public init(
        label: String, level: Logger.Level, journald: Bool = getenv("JOURNAL_STREAM") != nil,
        write: @escaping @Sendable (String) -> Void = JournalLogHandler.standardError
    ) {
        logLevel = level
        self.journald = journald
        self.write = write
    }

    /// Reads or sets one metadata value.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line.
    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        write(Self.line(level: event.level, message: "\(event.message)", metadata: merged, journald: journald))
    }

    /// The text of one line (without the newline).
    public static func line(level: Logger.Level, message: String, metadata: Logger.Metadata, journald: Bool) -> String {
        let fields = metadata.keys.sorted().map { key in "\(key)=\(quoted("\(metadata[key]!)"))" }
        let prefix = journald ? "<\(priority(of: level))>" : "\(level.rawValue): "
        return ([prefix + message] + fields).joined(separator: " ")
    }

    /// syslog priority: error 3, warning 4, notice 5, info 6, debug and trace 7, critical 2.
    public static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    private static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\n" }) else { return value }
        var text = "\""
        for character in value {
            switch character {
            case "\\": text += "\\\\"
            case "\"": text += "\\\""
            case "\n": text += "\\n"
            default: text.append(character)
            }
        }
        return text + "\""
    }

    private static let lock = Mutex(())

    /// Writes `line` and a newline to standard error in one `write`.
    @Sendable public static func standardError(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        lock.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
                if written <= 0 { if errno == EINTR { continue } else { return } }
                offset += written
            }
        }
    }
}
