#if canImport(Glibc)
import Glibc
#endif

/// Why the metrics file could not be written.
public struct MetricsFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The step that failed ("open", "write", "fsync", "rename") and the file it was about.
    public var step: String
    public var path: String
    /// The `errno` it failed with.
    public var code: Int32

    /// "could not STEP PATH: reason".
    public var description: String { "could not \(step) \(path): \(String(cString: strerror(code)))" }
}

/// Writes a file atomically: into a hidden temporary file beside it (which node_exporter's
/// textfile collector ignores: it reads `*.prom` only), `fsync`, then `rename(2)` over the target.
public enum TextFileWriter {
    /// Writes `bytes` to `path` (mode 0644); on failure the temporary file is removed and the old
    /// file stays as it was.
    public static func write(_ bytes: [UInt8], to path: String) throws(MetricsFileError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = "\(directory.isEmpty ? "" : directory)/.\(name).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw MetricsFileError(step: "open", path: temporary, code: errno) }
        var failure: MetricsFileError?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = MetricsFileError(step: "write", path: temporary, code: errno)
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = MetricsFileError(step: "fsync", path: temporary, code: errno) }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = MetricsFileError(step: "rename", path: path, code: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }
}
