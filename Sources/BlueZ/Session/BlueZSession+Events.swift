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

/// One stream's registration with the router.
struct Subscriber: Sendable {
    /// Where the router puts what it routes.
    enum Sink: Sendable {
        /// Every event in scope, as a ``BlueZEvent``.
        case events(AsyncStream<BlueZEvent>.Continuation)
        /// One characteristic's notified values, taken out of the events by the router itself so
        /// that a value reaches its consumer with no task in between.
        case values(NotificationSink)
    }

    let scope: BlueZEventScope
    let sink: Sink

    /// Whether an event about `path` (nil: about every object) reaches this subscriber.
    func covers(_ path: DBusObjectPath?) -> Bool {
        guard let path else { return true }
        switch scope {
        case .all: return true
        case .object(let object): return path == object
        case .subtree(let root): return path.isDescendant(of: root)
        }
    }

    /// Hands `event` on. Returns the error that ends this subscriber's stream, if the event ends
    /// it: the router unregisters the subscriber and finishes it once its lock is released
    /// (finishing runs the stream's termination handler, which takes the lock).
    func deliver(_ event: BlueZEvent) -> BlueZError? {
        switch sink {
        case .events(let continuation):
            continuation.yield(event)
            return nil
        case .values(let values):
            return values.deliver(event)
        }
    }

    /// Ends the stream: normally, or with `error`.
    func finish(_ error: BlueZError?) {
        switch sink {
        case .events(let continuation): continuation.finish()
        case .values(let values): values.continuation.finish(throwing: error)
        }
    }
}

/// The router's end of a ``Notifications`` stream: which characteristic and device it follows.
struct NotificationSink: Sendable {
    let characteristic: DBusObjectPath
    let device: DBusObjectPath
    let continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation

    /// Yields a notified value; returns the error for the events that end notifications: the
    /// device's `Connected` turning false, the characteristic or device vanishing, bluetoothd
    /// leaving the bus.
    func deliver(_ event: BlueZEvent) -> BlueZError? {
        switch event {
        case .propertiesChanged(characteristic, BlueZInterface.gattCharacteristic, let changed, _):
            if let bytes = try? changed["Value"]?.unwrappedVariant.bytes() { continuation.yield(bytes) }
            return nil
        case .propertiesChanged(device, BlueZInterface.device, let changed, _) where changed["Connected"]?.unwrappedVariant == .boolean(false):
            return BlueZError(.disconnected, message: "device \(device) disconnected while notifying")
        case .interfacesRemoved(characteristic, let names) where names.contains(BlueZInterface.gattCharacteristic),
             .interfacesRemoved(device, let names) where names.contains(BlueZInterface.device):
            return BlueZError(.disconnected, message: "characteristic \(characteristic) vanished while notifying")
        case .bluetoothdStopped:
            return BlueZError(.bluetoothdRestarted, message: "bluetoothd left the bus while notifying")
        default:
            return nil
        }
    }
}

/// Subscribers the router unregistered because an event ended their streams, with the errors to
/// finish them with once the session's lock is released.
typealias StreamEndings = [(Subscriber, BlueZError)]

extension StreamEndings {
    /// Finishes every ended stream; call without holding the session's lock.
    func finishAll() {
        for (subscriber, error) in self { subscriber.finish(error) }
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
        let (id, cache) = register(Subscriber(scope: scope, sink: .events(continuation)))
        continuation.onTermination = { [weak self] _ in self?.unregister(id) }
        return (cache, stream)
    }

    /// The values notified by `characteristic` of `device` from now on, routed straight into the
    /// returned stream; it throws `.disconnected` or `.bluetoothdRestarted` when notifications
    /// end (see ``NotificationSink``) and ends normally when the session closes or the subscriber
    /// is unregistered. Returns the subscriber id for ``finishValues(_:)``.
    func subscribeValues(
        of characteristic: DBusObjectPath, device: DBusObjectPath
    ) -> (id: UInt64, values: AsyncThrowingStream<[UInt8], any Error>) {
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        let sink = NotificationSink(characteristic: characteristic, device: device, continuation: continuation)
        let (id, _) = register(Subscriber(scope: .subtree(device), sink: .values(sink)))
        continuation.onTermination = { [weak self] _ in self?.unregister(id) }
        return (id, stream)
    }

    /// Ends the values stream of subscriber `id` normally (a no-op when it already ended).
    func finishValues(_ id: UInt64) {
        state.withLock { $0.subscribers.removeValue(forKey: id) }?.finish(nil)
    }

    private func register(_ subscriber: Subscriber) -> (UInt64, ObjectCache) {
        state.withLock { state -> (UInt64, ObjectCache) in
            state.removeEndedSubscribers()
            let id = state.nextSubscriberID
            state.nextSubscriberID += 1
            state.subscribers[id] = subscriber
            return (id, state.cache)
        }
    }

    /// A stream's termination handler: records the end without taking the session's lock
    /// (see ``EndedSubscribers``); the router drops the subscriber before its next delivery.
    private func unregister(_ id: UInt64) {
        ended.add(id)
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
