import Synchronization

/// The signals that match one ``DBusMatchRule``, as an `AsyncSequence`.
///
/// Created by ``DBusConnection/signals(matching:bufferLimit:timeout:)`` after the bus confirmed
/// the match rule, so no signal sent after that call returns is missed. Iterate it from one task.
///
/// Buffering: signals wait in a per-stream buffer of `bufferLimit` messages. If the consumer
/// falls that far behind, the stream delivers what it buffered and then throws a `.failed`
/// overflow error (it never drops signals silently). The stream ends (nil) when the iterating
/// task is cancelled, after ``cancel()``, or when the connection is closed; it throws
/// `.disconnected` when the connection is lost. When it ends, or when the last copy of the
/// stream is dropped, its share of the bus match rule is released (`RemoveMatch` once no stream
/// uses the same rule text).
public struct DBusSignalStream: AsyncSequence, Sendable {
    public typealias Element = DBusMessage
    public typealias Failure = DBusError

    let token: SubscriptionToken

    /// The rule this stream was created with.
    public var rule: DBusMatchRule { token.rule }

    public func makeAsyncIterator() -> Iterator {
        Iterator(token: token)
    }

    /// How many signals the connection has handed to this stream so far, counted on its I/O
    /// thread in arrival order. A reply the connection received after a signal is delivered
    /// after that signal was counted here, so a consumer that has taken this many signals has
    /// seen every signal sent before a reply its caller holds (see BlueZ's session catch-up).
    public var deliveredCount: UInt64 {
        token.buffer.acceptedCount
    }

    /// Ends the stream and releases its match rule.
    public func cancel() {
        token.buffer.cancel()
    }

    /// Iterates the signals of a ``DBusSignalStream``.
    public struct Iterator: AsyncIteratorProtocol {
        let token: SubscriptionToken

        /// The next matching signal; nil once the stream ended.
        public mutating func next() async throws(DBusError) -> DBusMessage? {
            try await token.buffer.next()
        }
    }
}

/// Keeps a stream's subscriptions (and a tracked sender name) alive; releases them exactly
/// once, when the stream ends or the last reference goes away.
final class SubscriptionToken: Sendable {
    let core: ConnectionCore
    let rule: DBusMatchRule
    let buffer: EventBuffer<DBusMessage>
    private let held = Mutex<(ids: [UInt64], trackedName: String?, released: Bool)>(([], nil, false))

    init(core: ConnectionCore, rule: DBusMatchRule, buffer: EventBuffer<DBusMessage>) {
        self.core = core
        self.rule = rule
        self.buffer = buffer
    }

    deinit {
        release()
    }

    /// Records a subscription to release later.
    func hold(_ id: UInt64) {
        held.withLock { $0.ids.append(id) }
    }

    /// Records a tracked sender name to release later.
    func hold(trackedName: String) {
        held.withLock { $0.trackedName = trackedName }
    }

    /// Releases everything held; later calls do nothing.
    func release() {
        let (ids, name) = held.withLock { h -> ([UInt64], String?) in
            guard !h.released else { return ([], nil) }
            h.released = true
            return (h.ids, h.trackedName)
        }
        for id in ids.reversed() { core.unsubscribe(id: id) }
        if let name { core.endTracking(name) }
    }
}
