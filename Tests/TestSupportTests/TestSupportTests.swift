import DBus
import Foundation
import Synchronization
import Testing
import TestSupport

/// The shared test support itself: the polling helper, the process runner, the bus fixture and
/// its cleanup scope.
@Suite(.cleansUp, .timeLimit(.minutes(1)))
struct TestSupportTests {
    @Test func eventuallyReturnsOnceTheConditionHolds() async throws {
        let start = ContinuousClock.now
        try await eventually("the third look", within: .seconds(5)) { ContinuousClock.now - start > .milliseconds(30) }
    }

    @Test func eventuallyTimesOutNamingWhatItAwaited() async throws {
        let start = ContinuousClock.now
        await #expect {
            try await eventually("the moon to turn blue", within: .milliseconds(100)) { false }
        } throws: { error in
            let timedOut = error as? TimedOut
            return timedOut?.what == "the moon to turn blue" && timedOut?.timeout == .milliseconds(100)
                && "\(error)" == "timed out after 0.1 seconds waiting for the moon to turn blue"
        }
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func theRunnerReportsStatusOutputsAndFeedsStandardInput() async throws {
        let result = try await Tool.run("/bin/sh", ["-c", "cat; echo oops >&2; exit 3"], input: .bytes(Array("hello\n".utf8)))
        #expect(result.status == 3)
        #expect(result.stdout == "hello\n")
        #expect(result.stderr == "oops\n")
        #expect(!result.timedOut)
        let merged = try await Tool.run("sh", ["-c", "echo one; echo two >&2"], mergingStandardError: true)
        #expect(merged.stdout == "one\ntwo\n")
        #expect(merged.stderr == "")
    }

    @Test func theRunnerKillsAProcessPastItsDeadline() async throws {
        let start = ContinuousClock.now
        let result = try await Tool.run("/bin/sh", ["-c", "echo started; exec sleep 60"], deadline: .milliseconds(300))
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(result.timedOut)
        #expect(result.status == SIGKILL)
        #expect(result.stdout == "started\n")
        #expect(throws: ToolTimedOut.self) { try result.requireFinished() }
    }

    @Test func anExitIsSeenAtOnceWhileABackgroundChildLivesOn() async throws {
        // The shell leaves a sleep behind that outlives it (a daemon a tool starts does the
        // same). Foundation's Process saw the shell's exit only when the sleep ended too (its
        // exit socket, inherited by the sleep, reached end-of-file only then): 30 s, past the
        // deadline, and the run was reported as killed.
        let start = ContinuousClock.now
        let result = try await Tool.run("/bin/sh", ["-c", "sleep 30 </dev/null >/dev/null 2>&1 & echo $!; exit 3"], deadline: .seconds(15))
        let elapsed = ContinuousClock.now - start
        if let sleeper = Int32(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) { kill(sleeper, SIGKILL) }
        #expect(result.status == 3)
        #expect(!result.timedOut)
        #expect(elapsed < .seconds(10), "the exit was seen after \(elapsed)")
    }

    @Test func aGracefulEndKillsAProcessThatIgnoresSIGTERM() async throws {
        let start = ContinuousClock.now
        let running = try RunningTool.start(
            "/bin/sh", ["-c", "trap '' TERM; echo started; while :; do sleep 0.05; done"], ending: .terminate(grace: .milliseconds(300)))
        try await eventually("the child to start") { running.stdout == "started\n" }
        let result = await running.finish(within: .milliseconds(200))
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(result.timedOut)
        #expect(result.status == SIGKILL)
        #expect(result.stdout == "started\n")
    }

    @Test func childrenNeverSeeTheMachinesBuses() async throws {
        let result = try await Tool.run("/usr/bin/env", [])
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains("DBUS_SYSTEM_BUS_ADDRESS=\(Tool.nowhere)"))
        #expect(lines.contains("DBUS_SESSION_BUS_ADDRESS=\(Tool.nowhere)"))
        let chosen = try await Tool.run("/usr/bin/env", [], environment: ["DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/tmp/x"])
        #expect(chosen.stdout.split(separator: "\n").contains("DBUS_SYSTEM_BUS_ADDRESS=unix:path=/tmp/x"))
    }

    @Test func aMissingToolIsReportedAsSuch() async throws {
        await #expect(throws: ToolNotFound.self) { try await Tool.run("no-such-tool-anywhere", []) }
        #expect(!Tool.isInstalled("no-such-tool-anywhere"))
        #expect(Tool.isInstalled("sh"))
    }

    @Test func aRunningToolIsKilledWhenItsTestCaseEnds() async throws {
        // The fraction makes the command line unique to this run.
        let marker = "sleep 60.\(UInt32.random(in: 100_000...999_999))"
        let running = Box<RunningTool>()
        await #expect(throws: Planned.self) {
            try await CleanupScope().provideScope(for: try #require(Test.current), testCase: Test.Case.current) {
                running.set(try RunningTool.start("/bin/sleep", [String(marker.dropFirst("sleep ".count))]))
                try await eventually("the child to start") { try await processes(matching: marker) }
                throw Planned()
            }
        }
        #expect(try await !processes(matching: marker))
        #expect(running.get()?.isRunning == false)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/dbus-daemon")))
    func aPrivateBusIsStoppedWhenItsTestCaseFails() async throws {
        let directory = Box<String>()
        await #expect(throws: Planned.self) {
            try await CleanupScope().provideScope(for: try #require(Test.current), testCase: Test.Case.current) {
                let bus = try await PrivateBus.start()
                directory.set(bus.daemon.directory)
                let connection = try await bus.connect()
                connection.close()
                #expect(try await processes(matching: bus.daemon.directory + "/bus.conf"))
                throw Planned()
            }
        }
        try await expectNoDaemon(in: try #require(directory.get()))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/dbus-daemon")))
    func withPrivateBusStopsTheDaemonWhenTheBodyThrows() async throws {
        let directory = Box<String>()
        await #expect(throws: Planned.self) {
            try await withPrivateBus { bus in
                directory.set(bus.daemon.directory)
                throw Planned()
            }
        }
        try await expectNoDaemon(in: try #require(directory.get()))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func aTerminalSessionRunsCommandsOnAPty() async throws {
        let session = try TerminalSession("sh")
        do {
            // The expected text appears only in the output, never in the echoed command line.
            try await session.run("test -t 0 && echo on-a-tty | tr o O", expecting: ["On-a-tty"], timeout: .seconds(5))
            try await session.run("echo $((6 * 7))", expecting: ["42"], timeout: .seconds(5))
        } catch {
            Issue.record("transcript:\n\(session.transcript)")
            throw error
        }
        session.quit(with: "exit")
        #expect(await session.tool.finish(within: .seconds(10)).timedOut == false)
    }
}

/// Started outside a `.cleansUp` scope, nothing that must be stopped starts.
@Suite struct CleanupScopeMissingTests {
    @Test func busesAndChildrenNeedTheScope() async throws {
        await #expect(throws: CleanupScopeMissing.self) { try await PrivateBus.start() }
        #expect(throws: CleanupScopeMissing.self) { try RunningTool.start("/bin/true", []) }
    }
}

/// A value a scoped closure hands out.
private final class Box<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)

    func set(_ newValue: Value) { value.withLock { $0 = newValue } }
    func get() -> Value? { value.withLock { $0 } }
}

/// The error the scope tests throw on purpose.
private struct Planned: Error {}

/// Expects no dbus-daemon with its files in `directory` (`pgrep -f` on the path of its
/// configuration), and the directory gone.
private func expectNoDaemon(in directory: String) async throws {
    #expect(try await !processes(matching: directory + "/bus.conf"))
    #expect(!FileManager.default.fileExists(atPath: directory))
}

/// Whether a process whose command line contains `text` is running (`pgrep -f`).
private func processes(matching text: String) async throws -> Bool {
    let result = try await Tool.run("pgrep", ["-f", "--", text], deadline: .seconds(10))
    return try result.requireFinished().status == 0
}
