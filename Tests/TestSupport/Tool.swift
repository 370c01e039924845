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
    /// SIGKILL at once. Children inherit the test runner's signal mask, which may block SIGTERM:
    /// only SIGKILL surely ends a tool that installs no handler of its own.
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
/// ``start(_:_:environment:input:mergingStandardError:)`` registers ``stop()`` with the test
/// case's ``CleanupScope``: whatever happens, the process is ended and reaped when the case ends.
/// How it is ended is its ``ToolEnding``.
public final class RunningTool: Sendable {
    /// The tool and its arguments, for messages.
    public let commandLine: [String]
    private let process: Process
    private let input: FileHandle?
    private let stdoutURL: URL
    private let stderrURL: URL?
    private let exit = ExitWaiters()
    private let removed = Mutex(false)
    private let ending: ToolEnding

    private init(commandLine: [String], process: Process, input: FileHandle?, stdoutURL: URL, stderrURL: URL?, ending: ToolEnding) {
        self.commandLine = commandLine
        self.ending = ending
        self.process = process
        self.input = input
        self.stdoutURL = stdoutURL
        self.stderrURL = stderrURL
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
        let directory = FileManager.default.temporaryDirectory
        let id = UUID().uuidString
        let stdoutURL = directory.appendingPathComponent("smartsetup-tool-\(id).out")
        let stderrURL = mergingStandardError ? nil : directory.appendingPathComponent("smartsetup-tool-\(id).err")
        let inputURL = directory.appendingPathComponent("smartsetup-tool-\(id).in")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged["DBUS_SYSTEM_BUS_ADDRESS"] = Tool.nowhere
        merged["DBUS_SESSION_BUS_ADDRESS"] = Tool.nowhere
        merged.merge(environment) { $1 }
        process.environment = merged

        var writer: FileHandle?
        switch input {
        case .none:
            process.standardInput = FileHandle.nullDevice
        case .bytes(let bytes):
            guard FileManager.default.createFile(atPath: inputURL.path, contents: Data(bytes)) else { throw CocoaError(.fileWriteUnknown) }
            let handle = try FileHandle(forReadingFrom: inputURL)
            // Unlinked at once: the child's descriptor keeps the file readable.
            try? FileManager.default.removeItem(at: inputURL)
            process.standardInput = handle
        case .pipe:
            let pipe = Pipe()
            process.standardInput = pipe
            writer = pipe.fileHandleForWriting
        }
        for url in [stdoutURL, stderrURL].compactMap({ $0 }) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        }
        let out = try FileHandle(forWritingTo: stdoutURL)
        defer { try? out.close() }
        let err = try stderrURL.map { try FileHandle(forWritingTo: $0) }
        defer { try? err?.close() }
        process.standardOutput = out
        process.standardError = err ?? out

        let running = RunningTool(commandLine: [tool] + arguments, process: process, input: writer, stdoutURL: stdoutURL, stderrURL: stderrURL, ending: ending)
        let exit = running.exit
        process.terminationHandler = { exit.finish($0.terminationStatus) }
        do {
            try process.run()
        } catch {
            running.removeFiles()
            throw error
        }
        if case .bytes = input, let handle = process.standardInput as? FileHandle { try? handle.close() }
        return running
    }

    /// What it wrote to stdout so far (and stderr, when merged).
    public var stdout: String { Self.read(stdoutURL) }

    /// What it wrote to stderr so far.
    public var stderr: String { stderrURL.map(Self.read) ?? "" }

    /// Whether it is still running.
    public var isRunning: Bool { exit.status == nil }

    /// Writes `text` to its standard input (``ToolInput/pipe`` only).
    public func write(_ text: String) throws {
        guard let input else { throw ToolInputClosed() }
        try input.write(contentsOf: Data(text.utf8))
    }

    /// Closes its standard input (end-of-file for the tool).
    public func closeInput() {
        try? input?.close()
    }

    /// Sends SIGTERM (a clean stop, for programs that handle it).
    public func terminate() {
        if isRunning { process.terminate() }
    }

    /// Sends `number` (e.g. SIGUSR1) to the process while it runs.
    public func signal(_ number: Int32) {
        if isRunning { _ = Glibc.kill(process.processIdentifier, number) }
    }

    /// Sends SIGKILL. Children of the test runner may inherit a mask that blocks SIGTERM; this
    /// always ends them.
    public func kill() {
        if isRunning { _ = Glibc.kill(process.processIdentifier, SIGKILL) }
    }

    /// Waits for it to exit and returns its exit status (or the number of the signal that ended it).
    public func exitStatus() async -> Int32 {
        await exit.wait()
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
        for url in [stdoutURL, stderrURL].compactMap({ $0 }) { try? FileManager.default.removeItem(at: url) }
    }

    private static func read(_ url: URL) -> String {
        (try? Data(contentsOf: url)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}

/// A write to a tool started without ``ToolInput/pipe``.
public struct ToolInputClosed: Error, CustomStringConvertible, Sendable {
    /// The message.
    public var description: String { "the tool's standard input is not a pipe" }
}

/// The exit status of one process and the tasks waiting for it.
private final class ExitWaiters: Sendable {
    private struct State {
        var status: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    private let state = Mutex(State())

    var status: Int32? { state.withLock { $0.status } }

    func finish(_ status: Int32) {
        let waiters = state.withLock { state in
            state.status = status
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = state.withLock { state in
                if state.status == nil { state.waiters.append(continuation) }
                return state.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }
}
