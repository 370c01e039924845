import Synchronization
import Testing

/// The one lifetime policy for what a test starts and must stop (private buses, simulators,
/// labs, long-running child processes): it is registered with the running test case's cleanup
/// scope and stopped, awaited, newest first, when the case ends, passed or thrown. Put
/// `.cleansUp` on every suite (or test) that starts such things; starting one outside that
/// scope throws ``CleanupScopeMissing`` instead of leaving it behind.
///
/// Awaiting in the trait rather than in a `defer { Task { … } }` matters: a detached stop could
/// be cut short by the end of the run and leave a dbus-daemon behind.
public struct CleanupScope: SuiteTrait, TestTrait, TestScoping {
    /// The cleanups of the running test case.
    @TaskLocal static var current: Cleanups?

    /// A scope; use `.cleansUp`.
    public init() {}

    /// Applies to every test case below a suite.
    public var isRecursive: Bool { true }

    /// One scope per test case (none for a suite as a whole).
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> CleanupScope? {
        testCase == nil ? nil : self
    }

    /// Runs the test case with a fresh list of cleanups, then runs them, whether it passed or threw.
    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let cleanups = Cleanups()
        try await Self.$current.withValue(cleanups) {
            do {
                try await function()
            } catch {
                await cleanups.runAll()
                throw error
            }
            await cleanups.runAll()
        }
    }

    /// Registers `action` to run when the current test case ends. `what` names the thing for
    /// the error thrown when no `.cleansUp` scope is active (nothing would stop it then).
    public static func atEnd(of what: String, _ action: @escaping @Sendable () async -> Void) throws {
        guard let cleanups = current else { throw CleanupScopeMissing(what: what) }
        cleanups.add(action)
    }

    /// Throws ``CleanupScopeMissing`` unless a `.cleansUp` scope is active; call before starting
    /// `what`, so that nothing is started that nothing would stop.
    public static func require(for what: String) throws {
        guard current != nil else { throw CleanupScopeMissing(what: what) }
    }
}

/// Thrown when something that must be stopped is started outside a `.cleansUp` scope.
public struct CleanupScopeMissing: Error, CustomStringConvertible, Sendable {
    /// What was to be started.
    public let what: String

    /// The message naming it and the fix.
    public var description: String { "\(what) started outside a .cleansUp suite or test: nothing would stop it" }
}

/// The cleanups one test case registered, in order.
final class Cleanups: Sendable {
    private let actions = Mutex<[@Sendable () async -> Void]>([])

    func add(_ action: @escaping @Sendable () async -> Void) {
        actions.withLock { $0.append(action) }
    }

    /// Runs them, newest first (what was started last may depend on what was started first).
    func runAll() async {
        let all = actions.withLock { list in defer { list = [] }; return list }
        for action in all.reversed() { await action() }
    }
}

extension Trait where Self == CleanupScope {
    /// Stops what each test case starts (private buses, simulators, labs, child processes)
    /// when the case ends, and awaits it.
    public static var cleansUp: Self { CleanupScope() }
}
