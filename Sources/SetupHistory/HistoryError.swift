/// The one error of the history store. Code switches on ``kind``; ``message`` is written for a
/// person and names the file or directory concerned. Never holds a secret (records hold none).
public struct HistoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The state directory could not be created (a parent is missing or is not a directory).
        case cannotCreateDirectory
        /// The process may not read or write the state directory or the database.
        case permissionDenied
        /// There is no history database (reading only: nothing was recorded yet, or the wrong
        /// `--state-dir`).
        case notFound
        /// The file is not an SQLite database, or is damaged.
        case corrupt
        /// The disk (or the quota) is full: the record was not written.
        case diskFull
        /// The database was written by a newer smartsetup whose schema this one does not know.
        case newerSchema
        /// Another process holds the database locked for longer than the store waits.
        case busy
        /// Any other failure of the file system or SQLite.
        case ioFailure
    }

    /// What went wrong.
    public let kind: Kind
    /// A message for a person.
    public let message: String

    /// An error of `kind` with `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
