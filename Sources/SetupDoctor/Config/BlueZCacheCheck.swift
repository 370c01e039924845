import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The checklist line for BlueZ's GATT cache of printers: every
/// `<root>/<adapter address>/cache/<device address>` whose cached database holds the setup service
/// is compared with SPEC §5.1 (``BlueZDeviceCache/setupServiceProblems``). Read-only, bounded:
/// at most ``maximumFiles`` files of at most ``maximumFileSize`` octets each.
public enum BlueZCacheCheck {
    /// bluetoothd's storage directory.
    public static let defaultRoot = "/var/lib/bluetooth"
    /// The most cache files read.
    public static let maximumFiles = 4096
    /// The most of one cache file that is read.
    public static let maximumFileSize = 256 * 1024

    /// A cached printer: where it was found and its cached database.
    public struct CachedPrinter: Sendable, Hashable {
        /// The adapter's and the printer's address (the directory's and the file's names).
        public var adapter: String, device: String
        /// The cached database.
        public var cache: BlueZDeviceCache
    }

    /// What was found under the root.
    public enum Scan: Sendable, Hashable {
        /// The root does not exist: bluetoothd never stored anything.
        case noStorage
        /// The root (or an adapter's cache directory) cannot be listed: the path and the reason.
        case unreadable(String, String)
        /// The cached devices that have the setup service (others are not ours).
        case printers([CachedPrinter])
    }

    /// Lists `root`'s adapters' cache directories and parses each device's file.
    public static func scan(root: String = defaultRoot) -> Scan {
        let adapters: [String]
        switch list(root) {
        case .failure(let error) where error.code == ENOENT: return .noStorage
        case .failure(let error): return .unreadable(root, error.reason)
        case .success(let names): adapters = names.filter(isAddress).sorted()
        }
        var printers: [CachedPrinter] = []
        var read = 0
        for adapter in adapters {
            let directory = "\(root)/\(adapter)/cache"
            let devices: [String]
            switch list(directory) {
            case .failure(let error) where error.code == ENOENT: continue
            case .failure(let error): return .unreadable(directory, error.reason)
            case .success(let names): devices = names.filter(isAddress).sorted()
            }
            for device in devices where read < maximumFiles {
                read += 1
                guard let data = readRegularFile("\(directory)/\(device)") else { continue }
                let cache = BlueZDeviceCache(parsing: String(decoding: data, as: UTF8.self))
                if cache.setupService != nil {
                    printers.append(CachedPrinter(adapter: adapter, device: device, cache: cache))
                }
            }
        }
        return .printers(printers)
    }

    /// The line: the printers cached, and which of them are stale with the fix.
    public static func check(_ scan: Scan, root: String = defaultRoot) -> DoctorCheck {
        let id = "config.device-cache", title = "BlueZ's cache of printers"
        switch scan {
        case .noStorage:
            return DoctorCheck(id: id, title: title, status: .ok, found: "\(root) does not exist: nothing cached")
        case .unreadable(let path, let reason):
            return DoctorCheck(
                id: id, title: title, status: .info, found: "not checked: \(path) cannot be read (\(reason))",
                fix: "bluetoothd keeps \(root) for root only: run `sudo smartsetup doctor` to check it")
        case .printers(let printers):
            let stale = printers.filter { !$0.cache.setupServiceProblems.isEmpty }
            guard !stale.isEmpty else {
                let count = printers.count
                return DoctorCheck(
                    id: id, title: title, status: .ok,
                    found: count == 0 ? "no printer in BlueZ's GATT cache" : "\(count) printer\(count == 1 ? "" : "s") cached, each with the setup service as SPEC §5 lays it out")
            }
            let found = stale.map { printer in
                "\(printer.device) (adapter \(printer.adapter)): \(printer.cache.setupServiceProblems.joined(separator: ", "))"
            }.joined(separator: "; ")
            let files = stale.map { "\(root)/\($0.adapter)/cache/\($0.device)" }.joined(separator: " ")
            return DoctorCheck(
                id: id, title: title, status: .warning,
                found: "stale cached GATT database (bluetoothd may use it instead of asking the printer): \(found)",
                fix: "`systemctl stop bluetooth && rm \(files) && systemctl start bluetooth` (`bluetoothctl remove` leaves the file); "
                    + "`Cache = yes` under `[GATT]` in /etc/bluetooth/main.conf keeps bluetoothd from caching printers, which are never paired")
        }
    }

    /// A Bluetooth address as bluetoothd names its directories and files (`00:1A:7D:DA:71:13`).
    static func isAddress(_ name: String) -> Bool {
        name.utf8.count == 17 && name.split(separator: ":", omittingEmptySubsequences: false).allSatisfy { $0.count == 2 && UInt8($0, radix: 16) != nil }
    }

    /// At most ``maximumFileSize`` octets of `path` when it is a regular file (never a FIFO or a
    /// device, whose open or read could block); nil otherwise or when it cannot be read.
    static func readRegularFile(_ path: String) -> Data? {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
              let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: maximumFileSize)) ?? Data()
    }

    struct ListingError: Error {
        var code: Int32
        var reason: String { String(cString: strerror(code)) }
    }

    /// The names in `path` (without `.` and `..`), or the errno of `opendir`.
    static func list(_ path: String) -> Result<[String], ListingError> {
        guard let directory = opendir(path) else { return .failure(ListingError(code: errno)) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory), names.count < maximumFiles {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return .success(names)
    }
}
