import CSpawn
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The version of the installed bluetoothd, from `bluetoothd --version` (bluetoothd has no
/// version on D-Bus). Spawned directly (`posix_spawn`, stdin and stderr on /dev/null); reads at
/// most 256 octets and waits at most `timeout`, then kills it.
public enum InstalledBluetoothd {
    /// Where Debian and others install it.
    public static let paths = ["/usr/libexec/bluetooth/bluetoothd", "/usr/sbin/bluetoothd", "/usr/lib/bluetooth/bluetoothd"]

    /// The version it prints (e.g. "5.66"), or nil when none of `paths` runs or answers in time.
    public static func version(paths: [String] = paths, timeout: Duration = .seconds(2)) async -> String? {
        guard let path = paths.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        var fds: [Int32] = [-1, -1]
        guard cspawn_pipe_cloexec(&fds) == 0 else { return nil }
        defer { close(fds[0]) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        guard cspawn_addclosefrom(&actions, 3) == 0 else { close(fds[1]); return nil }
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(path), strdup("--version"), nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, nil)
        close(fds[1])
        guard spawned == 0 else { return nil }
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                return nil
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        // What it wrote before exiting is in the pipe: never wait for more (a descendant could
        // still hold the write end).
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = read(fds[0], &buffer, buffer.count)
        guard count > 0, status == 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
