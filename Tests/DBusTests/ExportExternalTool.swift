import Foundation

#if canImport(Glibc)
import Glibc
#endif
import Testing

@testable import DBus

/// Runs the real D-Bus clients (busctl, gdbus, dbus-send, dbus-monitor) that the end-to-end
/// tests check our exported objects with. Output goes to temp files, every run has a deadline.
struct ExternalTool {
    /// What a finished run printed.
    struct Output: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String

        var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
    }

    /// A run that keeps going (a monitor) until `stop()`.
    final class Running: @unchecked Sendable {
        let process: Process
        let stdoutURL: URL
        let stderrURL: URL

        init(process: Process, stdoutURL: URL, stderrURL: URL) {
            self.process = process
            self.stdoutURL = stdoutURL
            self.stderrURL = stderrURL
        }

        /// What it printed so far.
        var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }

        /// Waits until the output satisfies `condition`, calling `poke` between looks; false at the deadline.
        func waitForOutput(
            within timeout: Duration = .seconds(10), poke: () throws -> Void = {},
            until condition: (String) -> Bool
        ) async throws -> Bool {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if condition(stdout) { return true }
                try poke()
                try await Task.sleep(for: .milliseconds(100))
            }
            return condition(stdout)
        }

        /// Terminates the process and removes its files.
        func stop() {
            // SIGKILL: children of the test runner may inherit a mask that blocks SIGTERM.
            if process.isRunning {
                _ = kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: stdoutURL)
            try? FileManager.default.removeItem(at: stderrURL)
        }
    }

    /// True when `tool` is on PATH.
    static func isInstalled(_ tool: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
        }
    }

    /// Starts `arguments` (the tool name first, found on PATH).
    static func start(_ arguments: [String]) throws -> Running {
        let directory = FileManager.default.temporaryDirectory
        let id = UUID().uuidString
        let stdoutURL = directory.appendingPathComponent("tool-\(id).out")
        let stderrURL = directory.appendingPathComponent("tool-\(id).err")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
        return Running(process: process, stdoutURL: stdoutURL, stderrURL: stderrURL)
    }

    /// Runs `arguments` to completion, killing it after `timeout`.
    static func run(_ arguments: [String], timeout: Duration = .seconds(20)) async throws -> Output {
        let running = try start(arguments)
        let deadline = ContinuousClock.now + timeout
        while running.process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let timedOut = running.process.isRunning
        let stdout = running.stdout
        let stderr = (try? String(contentsOf: running.stderrURL, encoding: .utf8)) ?? ""
        running.stop()
        if timedOut {
            throw DBusError(.timedOut, message: "\(arguments.joined(separator: " ")) ran past \(timeout)")
        }
        return Output(status: running.process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}
