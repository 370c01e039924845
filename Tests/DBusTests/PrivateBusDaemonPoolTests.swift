import DBus
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Starting and stopping a private `dbus-daemon` block on a child process (its address line, its
/// exit); the async entry points do that on threads of their own, never on the cooperative pool
/// (as wide as the machine has processors: 2 here), which every task of the process shares.
@Suite struct PrivateBusDaemonPoolTests {
    /// A `dbus-daemon` that takes `delay` seconds to start.
    static func slowDaemon(delay: Double) throws -> String {
        var template = Array("/tmp/smartsetup-slow-daemon-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { throw DBusError(.failed, message: "mkdtemp") }
        let path = String(cString: made) + "/dbus-daemon"
        let script = "#!/bin/sh\nsleep \(delay)\nexec /usr/bin/dbus-daemon \"$@\"\n"
        guard let file = fopen(path, "w") else { throw DBusError(.failed, message: "fopen") }
        fputs(script, file)
        fclose(file)
        chmod(path, 0o755)
        return path
    }

    /// One more slow start than the pool has threads, all at once: on the pool they would run
    /// in two rounds (at least twice the delay); off it they all run together.
    @Test func startsOneMoreDaemonThanThePoolHasThreadsAtOnce() async throws {
        let delay = 1.5
        let executable = try Self.slowDaemon(delay: delay)
        defer {
            unlink(executable)
            rmdir(String(executable.dropLast("/dbus-daemon".count)))
        }
        let width = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let clock = ContinuousClock()
        let start = clock.now
        let daemons = try await withThrowingTaskGroup(of: PrivateBusDaemon.self) { group in
            for _ in 0...width {
                group.addTask { try await PrivateBusDaemon.start(executable: executable, startupTimeout: .seconds(20)) }
            }
            var daemons: [PrivateBusDaemon] = []
            for try await daemon in group { daemons.append(daemon) }
            return daemons
        }
        let elapsed = start.duration(to: clock.now)
        #expect(daemons.count == width + 1)
        #expect(elapsed < .seconds(delay * 1.8), "\(width + 1) starts of \(delay) s each took \(elapsed) with \(width) pool threads")
        await withTaskGroup(of: Void.self) { group in
            for daemon in daemons { group.addTask { await daemon.terminate() } }
        }
        for daemon in daemons { #expect(kill(daemon.processID, 0) != 0) }
    }
}

