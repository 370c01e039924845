import DBus
import Deadlines

/// Which objects an event stream follows.
public enum BlueZEventScope: Sendable, Hashable {
    /// Every object.
    case all
    /// The object at this path only.
    case object(DBusObjectPath)
    /// The object at this path and every object below it.
    case subtree(DBusObjectPath)
}

/// One event stream's registration with the router.
struct Subscriber: Sendable {
    let scope: BlueZEventScope
    let continuation: AsyncStream<BlueZEvent>.Continuation

    /// Whether an event about `path` (nil: about every object) reaches this subscriber.
    func covers(_ path: DBusObjectPath?) -> Bool {
        guard let path else { return true }
        switch scope {
        case .all: return true
        case .object(let object): return path == object
        case .subtree(let root): return path.isDescendant(of: root)
        }
    }
}

extension BlueZSession {
    /// The changes of the objects in `scope`, from now on, as routed by the session (the
    /// bluetoothd events reach every stream). The stream ends when its consumer is cancelled
    /// or the session closes.
    public func events(_ scope: BlueZEventScope = .all) -> AsyncStream<BlueZEvent> {
        subscribe(scope).events
    }

    /// Registers a subscriber and copies the cache under the same lock, so the copy and the
    /// stream together miss nothing and repeat nothing.
    func subscribe(_ scope: BlueZEventScope) -> (cache: ObjectCache, events: AsyncStream<BlueZEvent>) {
        let (stream, continuation) = AsyncStream<BlueZEvent>.makeStream()
        let (id, cache) = state.withLock { state -> (UInt64, ObjectCache) in
            let id = state.nextSubscriberID
            state.nextSubscriberID += 1
            state.subscribers[id] = Subscriber(scope: scope, continuation: continuation)
            return (id, state.cache)
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return (cache, stream)
    }

    /// Waits until `check` returns a value, evaluating it on the cache now and after every
    /// event in `scope`, at most until `deadline`. `check` may throw to end the wait (the
    /// object vanished, the device disconnected...); ``BlueZEvent/bluetoothdStopped`` ends it
    /// with `.bluetoothdRestarted` unless `throughRestarts`.
    func wait<T: Sendable>(
        for what: String, in scope: BlueZEventScope, deadline: ContinuousClock.Instant, throughRestarts: Bool = false,
        _ check: @escaping @Sendable (ObjectCache, BlueZEvent?) throws(BlueZError) -> T?
    ) async throws(BlueZError) -> T {
        let (initial, events) = subscribe(scope)
        if let value = try check(initial, nil) { return value }
        return try await withDeadline(
            deadline, timedOut: BlueZError(.timedOut, message: "timed out waiting for \(what)"),
            cancelled: BlueZError(.cancelled, message: "cancelled while waiting for \(what)")
        ) { [weak self] () throws(BlueZError) -> T in
            for await event in events {
                if event == .bluetoothdStopped && !throughRestarts {
                    throw BlueZError(.bluetoothdRestarted, message: "bluetoothd left the bus while waiting for \(what)")
                }
                guard let self else { break }
                if let value = try check(self.cache, event) { return value }
            }
            if Task.isCancelled { throw BlueZError(.cancelled, message: "cancelled while waiting for \(what)") }
            throw BlueZError(.dbus, message: "the session ended while waiting for \(what)")
        }
    }
}
