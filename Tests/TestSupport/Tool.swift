import CSpawn
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The one process runner of the tests: real tools (busctl, gdbus, dbus-send, dbus-monitor,
/// bluetoothctl through `script`) and the built `smartsetup` executable.
///
/// Output goes to temporary files, not pipes: a pipe's end inherited by a process another test
/// starts at the same moment would keep it from ever reaching end-of-file. Every child gets
/// `DBUS_SYSTEM_BUS_ADDRESS` and `DBUS_SESSION_BUS_ADDRESS` pointing nowhere unless the caller
/// names a bus, so that no child ever reaches the machine's own buses.
public enum Tool {
    /// A bus address no daemon listens on: what children get unless the caller names a bus.
    public static let nowhere = "unix:path=/nonexistent/smartsetup-tests-no-bus"

    /// Runs `tool` (a path, or a name looked up on PATH) with `arguments` to completion, with
    /// `environment` on top of this process's, `input` as its standard input; once `deadline` has
    /// passed, ends it as `ending` says (``ToolResult/timedOut`` then says so). With
    /// `mergingStandardError`, stderr goes to ``ToolResult/stdout`` as well, interleaved.
    public static func run(
        _ tool: String, _ arguments: [String], environment: [String: String] = [:], input: ToolInput = .none,
        mergingStandardError: Bool = false, ending: ToolEnding = .kill, deadline: Duration = .seconds(20)
    ) async throws -> ToolResult {
        let running = try RunningTool.launch(
            tool, arguments, environment: environment, input: input, mergingStandardError: mergingStandardError, ending: ending)
        return await running.finish(within: deadline)
    }

    /// True when `tool` is on PATH (or, with a slash, an executable file).
    public static func isInstalled(_ tool: String) -> Bool {
        resolve(tool) != nil
    }

    /// The path of `tool`: itself when it holds a slash, else the first executable of that name on PATH.
    public static func resolve(_ tool: String) -> String? {
        if tool.contains("/") { return FileManager.default.isExecutableFile(atPath: tool) ? tool : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// How a child that has to stop early (past its deadline, or at the end of its test case) is ended.
public enum ToolEnding: Sendable {
    /// SIGKILL at once: for tools with nothing to clean up.
    case kill
    /// SIGTERM, for programs that handle it and clean up (`smartsetup sim` stops its own
    /// dbus-daemon); SIGKILL when it has not exited after `grace`.
    case terminate(grace: Duration)
}

/// What a child reads on its standard input.
public enum ToolInput: Sendable {
    /// `/dev/null`.
    case none
    /// These bytes, then end-of-file.
    case bytes([UInt8])
    /// A pipe the test writes to with ``RunningTool/write(_:)`` (interactive tools).
    case pipe
}

/// What a finished run of a tool produced.
public struct ToolResult: Sendable, CustomStringConvertible {
    /// The exit status, or the number of the signal that ended it.
    public var status: Int32
    /// Everything it wrote to stdout (and stderr too, when merged).
    public var stdout: String
    /// Everything it wrote to stderr (empty when merged into stdout).
    public var stderr: String
    /// Whether it ran past its deadline and was killed.
    public var timedOut: Bool

    /// Exit status, whether it timed out, and both outputs: for failure messages.
    public var description: String {
        "exit \(status)\(timedOut ? " (killed at its deadline)" : "")\nstdout:\n\(stdout)\nstderr:\n\(stderr)"
    }

    /// Throws ``ToolTimedOut`` when the run was killed at its deadline; returns self otherwise.
    public func requireFinished() throws -> ToolResult {
        if timedOut { throw ToolTimedOut(result: self) }
        return self
    }
}

/// A run that ``ToolResult/requireFinished()`` found killed at its deadline.
public struct ToolTimedOut: Error, CustomStringConvertible, Sendable {
    /// What it produced until then.
    public let result: ToolResult

    /// "ran past its deadline", with its output.
    public var description: String { "ran past its deadline: \(result)" }
}

/// A tool that could not be found or started.
public struct ToolNotFound: Error, CustomStringConvertible, Sendable {
    /// The tool's name or path.
    public let tool: String

    /// The message.
    public var description: String { "\(tool) is not installed (not on PATH)" }
}

/// A child process that keeps running while the test talks to it (a monitor, `smartsetup sim`,
/// an emulator, bluetoothctl): its output so far, its standard input, and its exit.
///
/// ``start(_:_:environment:input:mergingStandardError:ending:)`` registers ``stop()`` with the test
/// case's ``CleanupScope``: whatever happens, the process is ended and reaped when the case ends.
/// How it is ended is its ``ToolEnding``.
///
/// Started with `posix_spawn` in a process group of its own, with default signal handling and
/// every descriptor but its three standard streams closed; its exit is seen by `waitpid`, not
/// by a descriptor it inherited: Foundation's `Process` learns of an exit when a socket it
/// leaves open in the child reaches end-of-file, which never happens while a grandchild (a
/// background job of a shell, a daemon the tool started) or an unrelated child started by
/// another test at the same moment still holds that socket, and tests then saw exits
/// reported tens of seconds late.
public final class RunningTool: Sendable {
    /// The tool and its arguments, for messages.
    public let commandLine: [String]
    /// Its process id.
    public let processID: pid_t
    private let input: Int32?
    private let stdoutPath: String
    private let stderrPath: String?
    private let reaped = Mutex<Int32?>(nil)
    private let inputClosed = Mutex(false)
    private let removed = Mutex(false)
    private let ending: ToolEnding

    private init(commandLine: [String], processID: pid_t, input: Int32?, stdoutPath: String, stderrPath: String?, ending: ToolEnding) {
        self.commandLine = commandLine
        self.processID = processID
        self.ending = ending
        self.input = input
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    /// Starts `tool` (a path, or a name on PATH) with `arguments`, `environment` on top of this
    /// process's and `input` as its standard input; `ending` says how ``stop()`` and a deadline
    /// end it. Throws ``CleanupScopeMissing`` outside a `.cleansUp` suite or test.
    public static func start(
        _ tool: String, _ arguments: [String], environment: [String: String] = [:], input: ToolInput = .none,
        mergingStandardError: Bool = false, ending: ToolEnding = .kill
    ) throws -> RunningTool {
        try CleanupScope.require(for: tool)
        let running = try launch(
            tool, arguments, environment: environment, input: input, mergingStandardError: mergingStandardError, ending: ending)
        try CleanupScope.atEnd(of: tool) { await running.stop() }
        return running
    }

    /// Starts the process without registering it anywhere: for
    /// ``Tool/run(_:_:environment:input:mergingStandardError:ending:deadline:)``, which always waits for it.
    static func launch(
        _ tool: String, _ arguments: [String], environment: [String: String], input: ToolInput, mergingStandardError: Bool,
        ending: ToolEnding
    ) throws -> RunningTool {
        guard let executable = Tool.resolve(tool) else { throw ToolNotFound(tool: tool) }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("smartsetup-tool-\(UUID().uuidString)").path
        let stdoutPath = base + ".out"
        let stderrPath = mergingStandardError ? nil : base + ".err"
        var merged = ProcessInfo.processInfo.environment
        merged["DBUS_SYSTEM_BUS_ADDRESS"] = Tool.nowhere
        merged["DBUS_SESSION_BUS_ADDRESS"] = Tool.nowhere
        merged.merge(environment) { $1 }

        // Every descriptor here is close-on-exec from birth and closed again before returning;
        // the child gets its copies through the spawn's dup2 actions only.
        var opened: [Int32] = []
        defer { for fd in opened { close(fd) } }
        func openFile(_ path: String, _ flags: Int32) throws -> Int32 {
            let fd = open(path, flags | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw ToolSpawnFailed(tool: tool, step: "open \(path)", code: errno) }
            opened.append(fd)
            return fd
        }
        let out = try openFile(stdoutPath, O_WRONLY | O_CREAT | O_TRUNC)
        let err = try stderrPath.map { try openFile($0, O_WRONLY | O_CREAT | O_TRUNC) } ?? out
        var writer: Int32?
        let stdinFD: Int32
        switch input {
        case .none:
            stdinFD = try openFile("/dev/null", O_RDONLY)
        case .bytes(let bytes):
            let path = base + ".in"
            let fd = try openFile(path, O_RDWR | O_CREAT | O_TRUNC)
            // Unlinked at once: the child's descriptor keeps the file readable.
            unlink(path)
            guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count, lseek(fd, 0, SEEK_SET) == 0 else {
                throw ToolSpawnFailed(tool: tool, step: "write its input", code: errno)
            }
            stdinFD = fd
        case .pipe:
            var ends: [Int32] = [-1, -1]
            guard cspawn_pipe_cloexec(&ends) == 0 else { throw ToolSpawnFailed(tool: tool, step: "pipe", code: errno) }
            opened.append(ends[0])
            writer = ends[1]
            stdinFD = ends[0]
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinFD, 0)
        posix_spawn_file_actions_adddup2(&actions, out, 1)
        posix_spawn_file_actions_adddup2(&actions, err, 2)
        guard cspawn_addclosefrom(&actions, 3) == 0 else {
            if let writer { close(writer) }
            throw ToolSpawnFailed(tool: tool, step: "posix_spawn_file_actions_addclosefrom_np", code: errno)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        let reset = cspawn_reset_signals(&attributes, 1)
        guard reset == 0 else {
            if let writer { close(writer) }
            throw ToolSpawnFailed(tool: tool, step: "posix_spawnattr", code: reset)
        }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            if let writer { close(writer) }
            for path in [stdoutPath, stderrPath].compactMap({ $0 }) { unlink(path) }
            throw ToolSpawnFailed(tool: tool, step: "posix_spawn", code: status)
        }
        return RunningTool(commandLine: [tool] + arguments, processID: pid, input: writer, stdoutPath: stdoutPath, stderrPath: stderrPath, ending: ending)
    }

    /// What it wrote to stdout so far (and stderr, when merged).
    public var stdout: String { Self.read(stdoutPath) }

    /// What it wrote to stderr so far.
    public var stderr: String { stderrPath.map(Self.read) ?? "" }

    /// Whether it is still running (reaps it when it has just exited).
    public var isRunning: Bool { status == nil }

    /// Its exit status (or the number of the signal that ended it) once it has exited: asks the
    /// kernel without waiting and remembers the answer, so the process is reaped exactly once.
    private var status: Int32? {
        reaped.withLock { reaped in
            if let reaped { return reaped }
            var raw: Int32 = 0
            let result = waitpid(processID, &raw, WNOHANG)
            if result < 0, errno == ECHILD {
                // Reaped by someone else (SIGCHLD ignored, a waitpid(-1)): it has exited, with
                // a status nobody can know; -1 is no exit code, so no test takes it for one.
                reaped = -1
                return reaped
            }
            guard result == processID else { return nil }
            // WIFSIGNALED / WTERMSIG / WEXITSTATUS, which Swift does not import as macros.
            let signal = raw & 0x7f
            reaped = signal != 0 && signal != 0x7f ? signal : (raw >> 8) & 0xff
            return reaped
        }
    }

    /// Writes `text` to its standard input (``ToolInput/pipe`` only).
    public func write(_ text: String) throws {
        guard let input, !inputClosed.withLock({ $0 }) else { throw ToolInputClosed() }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(input, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw ToolInputClosed() }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Closes its standard input (end-of-file for the tool). Idempotent.
    public func closeInput() {
        guard let input, inputClosed.withLock({ closed in defer { closed = true }; return !closed }) else { return }
        close(input)
    }

    /// Sends SIGTERM (a clean stop, for programs that handle it).
    public func terminate() {
        signal(SIGTERM)
    }

    /// Sends `number` (e.g. SIGUSR1) to the process while it runs.
    public func signal(_ number: Int32) {
        // Under the reaping lock: once reaped, the pid may belong to another process.
        reaped.withLock { reaped in
            if reaped == nil { _ = Glibc.kill(processID, number) }
        }
    }

    /// Sends SIGKILL, which always ends it.
    public func kill() {
        signal(SIGKILL)
    }

    /// Waits for it to exit (checking every 10 ms) and returns its exit status (or the number of
    /// the signal that ended it).
    public func exitStatus() async -> Int32 {
        while true {
            if let status { return status }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits until it exits or `timeout` passes; then ends it if still running (as its
    /// ``ToolEnding`` says), awaits its exit, and returns what it produced. Removes its output files.
    public func finish(within timeout: Duration) async -> ToolResult {
        let exited = await exits(within: timeout)
        if !exited { await end() }
        let status = await exitStatus()
        let result = ToolResult(status: status, stdout: stdout, stderr: stderr, timedOut: !exited)
        closeInput()
        removeFiles()
        return result
    }

    /// Ends it if still running (as its ``ToolEnding`` says), awaits its exit and removes its
    /// files. Idempotent.
    public func stop() async {
        if isRunning { await end() }
        _ = await exitStatus()
        closeInput()
        removeFiles()
    }

    /// Ends it as its ``ToolEnding`` says and awaits its exit.
    private func end() async {
        switch ending {
        case .kill:
            kill()
        case .terminate(let grace):
            terminate()
            if await !exits(within: grace) { kill() }
        }
        _ = await exitStatus()
    }

    /// Whether it exits within `timeout` (polled every 10 ms).
    private func exits(within timeout: Duration) async -> Bool {
        do {
            try await eventually("\(commandLine[0]) to exit", within: timeout) { !self.isRunning }
            return true
        } catch {
            return !isRunning
        }
    }

    private func removeFiles() {
        guard removed.withLock({ done in defer { done = true }; return !done }) else { return }
        for path in [stdoutPath, stderrPath].compactMap({ $0 }) { unlink(path) }
    }

    private static func read(_ path: String) -> String {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}

/// A tool that could not be started (a descriptor, a pipe or the spawn itself failed).
public struct ToolSpawnFailed: Error, CustomStringConvertible, Sendable {
    /// The tool's name or path.
    public let tool: String
    /// What failed.
    public let step: String
    /// The errno value.
    public let code: Int32

    /// The message.
    public var description: String { "cannot start \(tool): \(step) failed: \(String(cString: strerror(code)))" }
}

/// A write to a tool started without ``ToolInput/pipe``.
public struct ToolInputClosed: Error, CustomStringConvertible, Sendable {
    /// The message.
    public var description: String { "the tool's standard input is not a pipe" }
}
