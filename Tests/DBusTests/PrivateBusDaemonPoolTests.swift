import DBus
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Starting and stopping a private `dbus-daemon` block on a child process (its address line, its
/// exit); the async entry points do that on threads of their own, never on the cooperative pool
/// (as wide as the machine has processors: 2 here), which every task of the process shares.
@Suite struct PrivateBusDaemonPoolTests {
    /// A `dbus-daemon` that takes `delay` seconds to start and first appends the time it was
    /// started at (seconds since the epoch) to `starts` in its directory.
    static func slowDaemon(delay: Double) throws -> (executable: String, directory: String) {
        var template = Array("/tmp/smartsetup-slow-daemon-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { throw DBusError(.failed, message: "mkdtemp") }
        let directory = String(cString: made)
        let path = directory + "/dbus-daemon"
        let script = "#!/bin/sh\ndate +%s.%N >> \(directory)/starts\nsleep \(delay)\nexec /usr/bin/dbus-daemon \"$@\"\n"
        guard let file = fopen(path, "w") else { throw DBusError(.failed, message: "fopen") }
        fputs(script, file)
        fclose(file)
        chmod(path, 0o755)
        return (path, directory)
    }

    /// The start times the slow daemons wrote.
    static func startTimes(in directory: String) -> [Double] {
        guard let file = fopen(directory + "/starts", "r") else { return [] }
        defer { fclose(file) }
        var times: [Double] = []
        var line = [CChar](repeating: 0, count: 64)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let time = Double(text.filter { !$0.isWhitespace }) { times.append(time) }
        }
        return times
    }

    /// One more slow start than the pool has threads, all at once. On the pool the last one
    /// could only begin once one of the others ended, at least `delay` after the first began;
    /// off it they all begin together. (Their start times are compared, not the total time,
    /// which a loaded machine stretches either way.)
    @Test func startsOneMoreDaemonThanThePoolHasThreadsAtOnce() async throws {
        let delay = 2.0
        let (executable, directory) = try Self.slowDaemon(delay: delay)
        defer {
            unlink(executable)
            unlink(directory + "/starts")
            rmdir(directory)
        }
        let width = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let daemons = try await withThrowingTaskGroup(of: PrivateBusDaemon.self) { group in
            for _ in 0...width {
                group.addTask { try await PrivateBusDaemon.start(executable: executable, startupTimeout: .seconds(30)) }
            }
            var daemons: [PrivateBusDaemon] = []
            for try await daemon in group { daemons.append(daemon) }
            return daemons
        }
        let starts = Self.startTimes(in: directory)
        #expect(daemons.count == width + 1)
        #expect(starts.count == width + 1)
        let spread = (starts.max() ?? 0) - (starts.min() ?? 0)
        #expect(spread < delay * 0.75, "\(width + 1) starts of \(delay) s each on \(width) pool threads began \(spread) s apart")
        await withTaskGroup(of: Void.self) { group in
            for daemon in daemons { group.addTask { await daemon.terminate() } }
        }
        for daemon in daemons { #expect(kill(daemon.processID, 0) != 0) }
    }
}
