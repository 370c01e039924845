#if canImport(Glibc)
import Glibc
#endif
import SetupProtocol

/// The opt-in session key log (SPEC §18): one ``SessionKeyLogEntry`` line per authenticated
/// session, appended to the file that `SMARTSETUP_KEYLOGFILE` names, so that `smartsetup decode
/// --keylog` can open a capture's sealed records. Off unless that variable is set; nothing else
/// in the project writes key material anywhere.
///
/// The file is created with mode 0600 and opened with `O_APPEND | O_NOFOLLOW` for each line, so
/// lines from the central and the emulator (or several sessions) do not interleave and a symbolic
/// link planted at the path is refused.
public struct SessionKeyLog: Sendable {
    /// The environment variable that turns the key log on.
    public static let environmentVariable = "SMARTSETUP_KEYLOGFILE"

    /// The file lines are appended to.
    public let path: String

    /// A key log appending to `path`.
    public init(path: String) {
        self.path = path
    }

    /// The key log the environment asks for, or nil when `SMARTSETUP_KEYLOGFILE` is unset or
    /// empty. When it is set, a warning goes to standard error: every session's keys will be
    /// written to that file.
    public static func fromEnvironment() -> SessionKeyLog? {
        guard let value = getenv(environmentVariable), value.pointee != 0 else { return nil }
        let log = SessionKeyLog(path: String(cString: value))
        let warning = "smartsetup: warning: \(environmentVariable) is set: session keys are written to \(log.path); "
            + "anyone who reads that file and a capture can read the Wi-Fi passphrase\n"
        let bytes = Array(warning.utf8)
        _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        return log
    }

    /// Appends the entry's line. Returns false when the file could not be opened or written
    /// (the session goes on either way: the key log is a debugging aid, never a reason to fail).
    @discardableResult
    public func append(_ entry: SessionKeyLogEntry) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let bytes = Array((entry.line + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        return written == bytes.count
    }
}
