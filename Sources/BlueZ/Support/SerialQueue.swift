/// Runs async operations one at a time, in submission order.
///
/// Each operation runs in its own task after the previous one finished, so a caller that is
/// cancelled does not cancel an operation already submitted (D-Bus calls such as StopDiscovery
/// or a WriteValue in flight must complete to keep BlueZ's state and ours in step).
actor SerialQueue {
    private var tail: Task<Void, Never>?

    /// Runs `operation` after every operation submitted before it, and returns its result.
    func run<T: Sendable>(_ operation: @escaping @Sendable () async -> T) async -> T {
        let previous = tail
        let task = Task {
            await previous?.value
            return await operation()
        }
        tail = Task { _ = await task.value }
        return await task.value
    }
}
