import Synchronization
import Testing

/// Stops every ``SimulatorHarness`` a test case started once the case ends, passed or thrown,
/// and awaits it: no harness's dbus-daemon outlives its test (a `defer { Task { … } }` could be
/// cut short by the end of the run and leave one behind). Put `.stopsHarnesses` on each suite
/// that starts harnesses; ``SimulatorHarness/start(configuration:)`` records an issue when
/// called outside it.
struct HarnessScope: SuiteTrait, TestTrait, TestScoping {
    /// The harnesses of the running test case.
    @TaskLocal static var started: StartedHarnesses?

    var isRecursive: Bool { true }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> HarnessScope? {
        testCase == nil ? nil : self
    }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let started = StartedHarnesses()
        try await Self.$started.withValue(started) {
            do {
                try await function()
            } catch {
                await started.stopAll()
                throw error
            }
            await started.stopAll()
        }
    }
}

/// The harnesses one test case started, in order.
final class StartedHarnesses: Sendable {
    private let harnesses = Mutex<[SimulatorHarness]>([])

    func add(_ harness: SimulatorHarness) {
        harnesses.withLock { $0.append(harness) }
    }

    /// Stops them, newest first.
    func stopAll() async {
        let all = harnesses.withLock { list in defer { list = [] }; return list }
        for harness in all.reversed() { await harness.stop() }
    }
}

extension Trait where Self == HarnessScope {
    /// Stops the simulator harnesses each test case starts, when the case ends.
    static var stopsHarnesses: Self { HarnessScope() }
}
