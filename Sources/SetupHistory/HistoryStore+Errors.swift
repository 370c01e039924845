import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

extension HistoryStore {
    /// Creates `directory` and its missing parents; the directories it creates get mode 0700.
    static func makeDirectory(_ directory: String) throws(HistoryError) {
        guard !directory.isEmpty else { throw HistoryError(.cannotCreateDirectory, "the state directory's name is empty") }
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if mkdir(prefix, 0o700) == 0 { continue }
            let code = errno
            var status = stat()
            if code == EEXIST, stat(prefix, &status) == 0 {
                if status.st_mode & S_IFMT == S_IFDIR { continue }
                throw HistoryError(.cannotCreateDirectory, "cannot create the state directory \(directory): \(prefix) is not a directory")
            }
            switch code {
            case EACCES, EPERM, EROFS:
                throw HistoryError(.permissionDenied, "no permission to create the state directory \(directory) (at \(prefix); run as root, or pick another --state-dir)")
            case ENOSPC, EDQUOT:
                throw HistoryError(.diskFull, "cannot create the state directory \(directory): the disk is full")
            default:
                throw HistoryError(.cannotCreateDirectory, "cannot create the state directory \(directory): \(String(cString: strerror(code)))")
            }
        }
    }

    /// The store's error for a failure of SQLite (or GRDB) while it tried `doing` the file.
    static func map(_ error: any Error, path: String, doing: String) -> HistoryError {
        guard let error = error as? DatabaseError else {
            return HistoryError(.ioFailure, "cannot \(doing) \(path): \(error.localizedDescription)")
        }
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return HistoryError(.corrupt, "\(path) is not a history database, or it is damaged (move it aside to start a new history)")
        case .SQLITE_FULL:
            return HistoryError(.diskFull, "cannot \(doing) \(path): the disk is full")
        case .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            return HistoryError(.permissionDenied, "no permission to \(doing) \(path) (run as root, or pick another --state-dir)")
        case .SQLITE_CANTOPEN:
            return HistoryError(.permissionDenied, "cannot open \(path): no permission, or its directory is missing")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return HistoryError(.busy, "\(path) is locked by another process; try again")
        default:
            return HistoryError(.ioFailure, "cannot \(doing) \(path): \(error.message ?? "SQLite error \(error.resultCode.rawValue)")")
        }
    }
}
