import DBus
import Synchronization

/// A client of bluetoothd bound to one `DBusConnection`: the cache of org.bluez's objects, the
/// router of their changes, and the owner of the exports (GATT applications, advertisements).
///
/// Opening a session subscribes to every signal org.bluez sends and to org.bluez's owner
/// changes (both confirmed by the bus) and only then calls `GetManagedObjects`, so no change is
/// lost between the snapshot and the first signal. One router task applies each signal to the
/// cache and forwards it, as a ``BlueZEvent``, to the event streams whose object it concerns.
/// When bluetoothd leaves the bus the cache is dropped and every stream gets
/// ``BlueZEvent/bluetoothdStopped``; when it returns the cache is re-synced and
/// ``BlueZEvent/bluetoothdStarted`` follows the events that describe the new objects.
///
/// The session installs the connection's method-call handler (for the objects it exports), so
/// give it a connection of its own. Call ``close()`` when done (then close the connection,
/// which the session does not own). A session let go without ``close()`` closes itself when
/// its last reference goes: its router task holds it weakly and ends then, so nothing of the
/// session outlives it, and the connection is released once its own user lets it go too.
public final class BlueZSession: Sendable {
    /// The connection the session talks over.
    public let connection: DBusConnection
    /// The object server for exported objects (GATT applications, advertisements).
    let server: DBusObjectServer
    let state: Mutex<SessionState>
    /// Subscribers whose consumers went away: shared with ``state`` but reachable without its lock.
    let ended: EndedSubscribers
    let router = Mutex<Task<Void, Never>?>(nil)
    /// Releases of objects dropped without their async stop, run by the router task (see
    /// ``releaseInBackground(_:)``).
    let releases = AsyncStream<@Sendable () async -> Void>.makeStream()
    /// How far the router got with org.bluez's signals, for ``catchUp()``.
    let progress = Mutex(RouterProgress())

    private init(connection: DBusConnection) {
        self.connection = connection
        self.server = DBusObjectServer(send: { [weak connection] message throws(DBusError) in
            guard let connection else { throw DBusError(.disconnected, message: "the connection is gone") }
            _ = try connection.send(message)
        })
        let ended = EndedSubscribers()
        self.ended = ended
        self.state = Mutex(SessionState(ended: ended))
    }

    /// Opens a session on `connection`: subscribes, snapshots org.bluez's objects (if
    /// bluetoothd is on the bus; otherwise the session waits for it) and starts the router.
    /// `timeout` bounds each bus round trip.
    public static func open(_ connection: DBusConnection, timeout: Duration = .seconds(25)) async throws(BlueZError) -> BlueZSession {
        let session = BlueZSession(connection: connection)
        connection.setMethodCallHandler { [weak session] message in
            session?.server.handle(message)
        }
        do throws(DBusError) {
            let signals = try await connection.signals(
                matching: DBusMatchRule(sender: BlueZInterface.service), bufferLimit: 65536, timeout: timeout)
            let owners = try await connection.nameOwnerChanges(of: BlueZInterface.service, timeout: timeout)
            if try await connection.nameOwner(of: BlueZInterface.service, timeout: timeout) != nil {
                let (snapshot, mark) = try await session.managedObjects(timeout: timeout)
                session.state.withLock { state in
                    _ = state.cache.replace(with: snapshot)
                    state.snapshotMark = mark
                    state.available = true
                }
            }
            session.startRouter(signals: signals, owners: owners, timeout: timeout)
        } catch {
            connection.setMethodCallHandler(nil)
            throw BlueZError(error)
        }
        return session
    }

    deinit {
        close()
    }

    /// Stops the router and ends every event stream. The connection stays open (close it
    /// yourself); exported objects stop being served. Idempotent.
    public func close() {
        releases.continuation.finish()
        router.withLock { task in
            task?.cancel()
            task = nil
        }
        connection.setMethodCallHandler(nil)
        routerStopped()
        finishAllStreams()
    }

    /// Runs `release` on the session's own task, after every release handed over before it:
    /// how an object dropped without its async stop (a discovery session, a notification
    /// subscription, a GATT application, an advertisement) tells bluetoothd, without a task that
    /// outlives the session. After ``close()`` a release is dropped: bluetoothd forgets a
    /// client's discoveries, notifications and registrations when its connection leaves the bus.
    func releaseInBackground(_ release: @escaping @Sendable () async -> Void) {
        releases.continuation.yield(release)
    }

    /// Ends every event stream. The continuations finish outside the lock: finishing runs the
    /// stream's termination handler, which takes the lock to unregister.
    func finishAllStreams() {
        let subscribers = state.withLock { state in
            defer { state.subscribers.removeAll() }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish(nil) }
    }

    /// True while bluetoothd owns org.bluez and the cache reflects it.
    public var isBluetoothdAvailable: Bool {
        state.withLock { $0.available }
    }

    /// Every object org.bluez exported, as last seen: path to interface to properties.
    public var objects: [DBusObjectPath: [String: [String: DBusValue]]] {
        state.withLock { $0.cache.objects }
    }

    /// The cached properties of `interface` at `path`, nil when the object does not export it.
    public func properties(of interface: String, at path: DBusObjectPath) -> [String: DBusValue]? {
        state.withLock { $0.cache.properties(of: interface, at: path) }
    }

    /// The current cache (a copy).
    var cache: ObjectCache {
        state.withLock { $0.cache }
    }

    /// Calls `member` of `interface` on the org.bluez object at `path`; error replies become
    /// ``BlueZError``s.
    /// Reads one property straight from bluetoothd (`org.freedesktop.DBus.Properties.Get`), for
    /// the properties real bluetoothd changes without a `PropertiesChanged` signal (a central's
    /// `Connected`, a characteristic's `MTU` after a reconnect). Nil when the object does not
    /// have the property (yet).
    func currentProperty(
        _ name: String, of interface: String, at path: DBusObjectPath, timeout: Duration = .seconds(5)
    ) async throws(BlueZError) -> DBusValue? {
        do throws(BlueZError) {
            // A read of bluetoothd's own state: no catch-up with the router, so that a wait begun
            // right after it still sees the events that follow (bluetoothd emits
            // PropertiesChanged from an idle callback, so its Get can be ahead of its signals).
            let reply = try await call(
                path, "org.freedesktop.DBus.Properties", "Get", [.string(interface), .string(name)], timeout: timeout, catchingUp: false)
            return reply.body.first?.unwrappedVariant
        } catch {
            // bluetoothd answers InvalidArgs "No such property"; D-Bus peers may say UnknownProperty.
            if error.kind == .invalidArguments || error.name == "org.freedesktop.DBus.Error.UnknownProperty" { return nil }
            throw error
        }
    }

    /// Calls a method of org.bluez and returns once the cache reflects every signal bluetoothd
    /// sent before its reply: D-Bus keeps one sender's messages in order, but the reply resumes
    /// the caller directly while the signals go through the router, so without ``catchUp()`` a
    /// caller could see `Connect` return and the cache still say `Connected: false`.
    func call(
        _ path: DBusObjectPath, _ interface: String, _ member: String, _ body: [DBusValue] = [],
        timeout: Duration = .seconds(25), catchingUp: Bool = true
    ) async throws(BlueZError) -> DBusMessage {
        let reply: DBusMessage
        do throws(DBusError) {
            reply = try await connection.call(
                .methodCall(destination: BlueZInterface.service, path: path, interface: interface, member: member, body: body),
                timeout: timeout)
        } catch {
            if catchingUp { await catchUp() }
            throw BlueZError(error)
        }
        if catchingUp { await catchUp() }
        return reply
    }

    /// Waits until the router has applied every org.bluez signal the connection received so far
    /// (at once when it has, or when the router stopped).
    func catchUp() async {
        guard let target = progress.withLock({ $0.signals?.deliveredCount }) else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = progress.withLock { progress -> Bool in
                guard !progress.stopped, progress.applied < target else { return true }
                progress.waiters.append((target, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// The router applied one more signal: resumes the callers waiting for it.
    func signalApplied() {
        let ready = progress.withLock { progress -> [CheckedContinuation<Void, Never>] in
            progress.applied += 1
            let applied = progress.applied
            let ready = progress.waiters.filter { $0.target <= applied }.map(\.continuation)
            progress.waiters.removeAll { $0.target <= applied }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// The router stopped taking signals: nobody waits for it any more.
    func routerStopped() {
        let waiting = progress.withLock { progress -> [CheckedContinuation<Void, Never>] in
            progress.stopped = true
            defer { progress.waiters = [] }
            return progress.waiters.map(\.continuation)
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Sets a property of an org.bluez object (`org.freedesktop.DBus.Properties.Set`).
    func setProperty(
        _ name: String, of interface: String, at path: DBusObjectPath, to value: DBusValue, timeout: Duration
    ) async throws(BlueZError) {
        _ = try await call(path, BlueZInterface.properties, "Set", [.string(interface), .string(name), .variant(value)], timeout: timeout)
    }

    /// `GetManagedObjects` of org.bluez, and the reply's sender and serial: signals from that
    /// sender with a lower serial were sent before the reply, so the snapshot already reflects them.
    private func managedObjects(
        timeout: Duration
    ) async throws(DBusError) -> ([DBusObjectPath: [String: [String: DBusValue]]], SnapshotMark?) {
        let reply = try await connection.call(
            .methodCall(destination: BlueZInterface.service, path: .root, interface: BlueZInterface.objectManager, member: "GetManagedObjects"),
            timeout: timeout)
        guard let body = reply.body.first else { throw DBusError(.typeMismatch, message: "GetManagedObjects returned nothing") }
        return (try body.managedObjects(), reply.sender.map { SnapshotMark(sender: $0, serial: reply.serial) })
    }

    /// Re-snapshots after bluetoothd (re)appeared: signals arriving meanwhile are held back and
    /// applied on top of the snapshot, in order (re-applying one the snapshot already reflects
    /// changes nothing). Then restarts the discoveries this process still uses.
    func resync(timeout: Duration) async {
        state.withLock { $0.syncing = true }
        let result = try? await managedObjects(timeout: timeout)
        let snapshot = result?.0
        let (discoveries, endings) = state.withLock { state in
            var events = state.cache.replace(with: snapshot ?? [:])
            state.snapshotMark = result?.1
            for signal in state.held where !state.isReflectedInSnapshot(signal) {
                if let event = state.cache.apply(signal) { events.append(event) }
            }
            state.held.removeAll()
            state.syncing = false
            state.available = snapshot != nil
            var endings = events.flatMap { state.route($0) }
            if snapshot != nil { endings += state.route(.bluetoothdStarted) }
            return (snapshot == nil ? [] : Array(state.discoveries.values), endings)
        }
        endings.finishAll()
        for discovery in discoveries where discovery.userCount > 0 {
            await discovery.rearm(session: self)
        }
    }
}

/// The router's count of applied signals and the callers waiting for it (``BlueZSession/catchUp()``).
struct RouterProgress: Sendable {
    /// The router's signal stream (nil before the router starts).
    var signals: DBusSignalStream?
    var applied: UInt64 = 0
    var stopped = false
    var waiters: [(target: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
}

/// Everything the session guards with its one lock.
struct SessionState: Sendable {
    var cache = ObjectCache()
    var available = false
    /// True while a re-sync's snapshot is in flight; signals go to `held` meanwhile.
    var syncing = false
    var held: [DBusMessage] = []
    /// The last snapshot's reply: older signals from its sender are already in the cache.
    var snapshotMark: SnapshotMark?
    var subscribers: [UInt64: Subscriber] = [:]
    var nextSubscriberID: UInt64 = 0
    /// Subscribers whose streams' consumers went away, removed from ``subscribers`` at the next
    /// route or registration (see ``EndedSubscribers``).
    let ended: EndedSubscribers
    /// Numbers the paths of exported applications and advertisements.
    var nextExportID: UInt64 = 0
    /// Reference-counted discovery per adapter path.
    var discoveries: [DBusObjectPath: DiscoveryController] = [:]
    /// Per-characteristic write queues and notification sessions.
    var characteristics: [DBusObjectPath: CharacteristicController] = [:]

    /// True for a signal sent before the last snapshot's reply by the same sender: D-Bus keeps
    /// one sender's messages in order, so the snapshot already reflects it and replaying it
    /// would route a stale event.
    func isReflectedInSnapshot(_ signal: DBusMessage) -> Bool {
        guard let mark = snapshotMark, signal.sender == mark.sender else { return false }
        return signal.serial < mark.serial
    }

    /// Delivers `event` to every subscriber whose scope covers its object (all of them for the
    /// bluetoothd events).
    /// Returns the subscribers the event ended, already unregistered, for the caller to finish
    /// once it released the lock.
    mutating func route(_ event: BlueZEvent) -> StreamEndings {
        removeEndedSubscribers()
        var endings: StreamEndings = []
        for (id, subscriber) in subscribers where subscriber.covers(event.path) {
            if let error = subscriber.deliver(event) {
                subscribers[id] = nil
                endings.append((subscriber, error))
            }
        }
        return endings
    }
}

/// Where a snapshot sits in its sender's message order.
struct SnapshotMark: Sendable, Hashable {
    /// The unique name that sent the GetManagedObjects reply.
    let sender: String
    /// The reply's serial.
    let serial: UInt32
}

extension SessionState {
    /// Drops the subscribers whose consumers went away since the last call.
    mutating func removeEndedSubscribers() {
        for id in ended.take() { subscribers[id] = nil }
    }
}

/// The ids of subscribers whose stream consumers went away, behind a lock of their own. A stream's
/// termination handler must not take the session's lock: the router holds that lock while it
/// yields to the streams, and a consumer cancelled at that moment runs its termination handler
/// while holding its task's status lock, which the yield needs: each waited for the other (a
/// hang seen in a full `swift test`, `BlueZPrinterHost.stop` against the router).
final class EndedSubscribers: Sendable {
    private let ids = Mutex<[UInt64]>([])

    /// Records that subscriber `id`'s consumer went away.
    func add(_ id: UInt64) { ids.withLock { $0.append(id) } }

    /// The recorded ids, forgotten here.
    func take() -> [UInt64] { ids.withLock { ids in defer { ids.removeAll() }; return ids } }
}
