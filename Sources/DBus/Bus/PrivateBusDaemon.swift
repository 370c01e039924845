import CSpawn
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A private `dbus-daemon` of our own: for tests, and for `smartsetup sim`, which needs a bus
/// that is not the machine's.
///
/// It writes its configuration (``configuration(socketPath:)``) into a fresh temporary
/// directory, starts `dbus-daemon --nofork --print-address` with the socket in that directory,
/// and reads the address within a deadline. ``stop()`` (or dropping the last reference) sends
/// SIGTERM, then SIGKILL after a grace period, reaps the process and removes the directory.
/// Nothing global changes: no environment variable is set and the machine's buses are untouched.
///
/// Starting and stopping block on the child process (its address line, its exit: up to the
/// startup timeout, up to 2 s). From async code use ``start(executable:startupTimeout:)`` and
/// ``terminate()``, which do it on a thread of their own: a thread of the cooperative pool (as
/// many as the machine has processors) held that long delays every other task of the process.
///
/// The configuration is generated from a template in code rather than shipped as a SwiftPM
/// resource: the socket path must be spliced in anyway, and a resource bundle has to be found
/// next to the executable at run time, which breaks when the binary is installed on its own.
public final class PrivateBusDaemon: Sendable {
    /// The bus address to pass to ``DBusConnection/open(_:timeout:)`` as `.address(...)`.
    public let address: String
    /// The daemon's process id.
    public let processID: pid_t
    /// The temporary directory holding the configuration and the socket.
    public let directory: String
    private let running = Mutex(true)

    /// Starts a daemon; blocks the calling thread until it printed its address or `startupTimeout`
    /// passed. `executable` is the `dbus-daemon` to run.
    public init(executable: String = "/usr/bin/dbus-daemon", startupTimeout: Duration = .seconds(10)) throws(DBusError) {
        let directory = try Self.makeTemporaryDirectory()
        let configPath = directory + "/bus.conf"
        let logPath = directory + "/daemon.log"
        do {
            try Self.write(Self.configuration(socketPath: directory + "/bus.sock"), to: configPath)
        } catch {
            Self.removeDirectory(directory)
            throw error
        }
        var pipeFDs: [Int32] = [-1, -1]
        guard cspawn_pipe_cloexec(&pipeFDs) == 0 else {
            Self.removeDirectory(directory)
            throw DBusError(.failed, message: "pipe failed: errno \(errno)")
        }
        let arguments = [executable, "--config-file=" + configPath, "--nofork", "--nopidfile", "--nosyslog", "--print-address=1"]
        let spawned = Self.spawn(arguments, stdout: pipeFDs[1], stderrPath: logPath)
        close(pipeFDs[1])
        guard case .success(let pid) = spawned else {
            close(pipeFDs[0])
            Self.removeDirectory(directory)
            if case .failure(let error) = spawned { throw error }
            throw DBusError(.failed, message: "cannot start dbus-daemon")
        }
        let line = Self.readLine(from: pipeFDs[0], deadline: .now + startupTimeout)
        close(pipeFDs[0])
        guard let line, line.hasPrefix("unix:") else {
            Self.terminate(pid)
            let log = (try? Self.read(logPath)) ?? ""
            Self.removeDirectory(directory)
            throw DBusError(.connectionFailed, message: "dbus-daemon did not print its address in time: \(log.prefix(500))")
        }
        self.address = line
        self.processID = pid
        self.directory = directory
    }

    deinit {
        stop()
    }

    /// Starts a daemon as ``init(executable:startupTimeout:)`` does, on a thread of its own, so
    /// that the wait for its address never holds a thread of the cooperative pool.
    public static func start(
        executable: String = "/usr/bin/dbus-daemon", startupTimeout: Duration = .seconds(10)
    ) async throws(DBusError) -> PrivateBusDaemon {
        try await BlockingWork.run { () -> Result<PrivateBusDaemon, DBusError> in
            Result { () throws(DBusError) in try PrivateBusDaemon(executable: executable, startupTimeout: startupTimeout) }
        }.get()
    }

    /// Stops the daemon as ``stop()`` does (SIGTERM, SIGKILL after 2 s, reaped, directory
    /// removed), on a thread of its own, and returns once it is done. Idempotent.
    public func terminate() async {
        await BlockingWork.run { self.stop() }
    }

    /// Stops the daemon (SIGTERM, SIGKILL after 2 s), reaps it and removes its directory.
    /// Idempotent.
    public func stop() {
        guard running.withLock({ r in defer { r = false }; return r }) else { return }
        Self.terminate(processID)
        Self.removeDirectory(directory)
    }

    /// Kills the daemon at once with SIGKILL, as a crash would, and reaps it. For tests of
    /// connection loss.
    public func kill() {
        guard running.withLock({ r in defer { r = false }; return r }) else { return }
        _ = Glibc.kill(processID, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(processID, &status, 0)
        Self.removeDirectory(directory)
    }

    /// The daemon configuration: a session-type bus listening on `socketPath` only, EXTERNAL
    /// (uid) authentication, and a policy that lets every local client own any name, send to
    /// any destination and receive everything (including eavesdropping, for monitors).
    public static func configuration(socketPath: String) -> String {
        """
        <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
         "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
        <busconfig>
          <type>session</type>
          <listen>unix:path=\(xmlEscaped(socketPath))</listen>
          <auth>EXTERNAL</auth>
          <limit name="max_replies_per_connection">50000</limit>
          <limit name="max_match_rules_per_connection">50000</limit>
          <limit name="max_names_per_connection">50000</limit>
          <policy context="default">
            <allow user="*"/>
            <allow own="*"/>
            <allow send_destination="*" eavesdrop="true"/>
            <allow eavesdrop="true"/>
          </policy>
        </busconfig>

        """
    }

    private static func xmlEscaped(_ text: String) -> String {
        text.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
    }

    // MARK: Process and file helpers

    private static func spawn(_ arguments: [String], stdout: Int32, stderrPath: String) -> Result<pid_t, DBusError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // Nothing else: a descriptor another thread opened without O_CLOEXEC (a test runner's
        // pipe, Foundation's process socket) would otherwise live as long as this daemon.
        guard cspawn_addclosefrom(&actions, 3) == 0 else {
            return .failure(DBusError(.failed, message: "cannot start \(arguments[0]): posix_spawn_file_actions_addclosefrom_np failed"))
        }
        // The daemon must start with default signal handling whatever this process blocks or
        // ignores, or SIGTERM would not stop it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        let reset = cspawn_reset_signals(&attributes, 0)
        guard reset == 0 else {
            return .failure(DBusError(.failed, message: "cannot start \(arguments[0]): error \(reset) in its spawn attributes"))
        }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard status == 0 else {
            return .failure(DBusError(.failed, message: "cannot start \(arguments[0]): error \(status)"))
        }
        return .success(pid)
    }

    /// Reads up to the first newline, or nil at EOF or past the deadline.
    private static func readLine(from fd: Int32, deadline: ContinuousClock.Instant) -> String? {
        var bytes: [UInt8] = []
        while true {
            let remaining = deadline - .now
            guard remaining > .zero else { return nil }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            let ready = poll(&entry, 1, ms)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = Glibc.read(fd, &buffer, buffer.count)
            guard count > 0 else { return nil }
            bytes += buffer[0..<count]
            if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                return String(decoding: bytes[..<newline], as: UTF8.self)
            }
        }
    }

    private static func terminate(_ pid: pid_t) {
        _ = Glibc.kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(2)
        var status: Int32 = 0
        while ContinuousClock.now < deadline {
            if waitpid(pid, &status, WNOHANG) != 0 { return }
            usleep(5_000)
        }
        _ = Glibc.kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
    }

    private static func makeTemporaryDirectory() throws(DBusError) -> String {
        let base = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/smartsetup-bus-XXXXXX").utf8CString)
        guard let result = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw DBusError(.failed, message: "cannot create a temporary directory in \(base): errno \(errno)")
        }
        return String(cString: result)
    }

    private static func write(_ text: String, to path: String) throws(DBusError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DBusError(.failed, message: "cannot write \(path): errno \(errno)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw DBusError(.failed, message: "cannot write \(path): errno \(errno)")
        }
    }

    private static func read(_ path: String) throws(DBusError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DBusError(.failed, message: "cannot read \(path)") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = Glibc.read(fd, &buffer, buffer.count)
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Removes the files this type creates in `directory`, then the directory.
    private static func removeDirectory(_ directory: String) {
        for name in ["bus.conf", "bus.sock", "daemon.log"] { unlink(directory + "/" + name) }
        rmdir(directory)
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
