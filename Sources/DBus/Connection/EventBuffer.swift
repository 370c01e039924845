import Synchronization

/// A bounded single-consumer queue between the I/O thread (producer) and an async consumer.
///
/// Policy: at most `limit` undelivered elements. When a producer would exceed it, the buffer
/// keeps what it has, stops accepting more, and after the consumer drained the kept elements it
/// throws an overflow error: a slow consumer learns that it missed events instead of silently
/// losing some (which would corrupt state tracking built on them). The producer never blocks.
final class EventBuffer<Element: Sendable>: Sendable {
    private enum End {
        case finished
        case failed(DBusError)
    }

    private struct State {
        var elements: [Element] = []
        var head = 0
        var end: End?
        var waiters: [CheckedContinuation<Result<Element?, DBusError>, Never>] = []
        var onEnd: (@Sendable () -> Void)?
        var accepted: UInt64 = 0
    }

    let limit: Int
    private let state: Mutex<State>

    /// `onEnd` runs once when the consumer stops (cancellation) or the buffer overflows.
    init(limit: Int, onEnd: (@Sendable () -> Void)? = nil) {
        self.limit = max(1, limit)
        self.state = Mutex(State(onEnd: onEnd))
    }

    /// Installs or replaces the end callback.
    func setOnEnd(_ onEnd: @escaping @Sendable () -> Void) {
        state.withLock { $0.onEnd = onEnd }
    }

    /// How many elements the buffer accepted so far (handed over or queued), in yield order.
    var acceptedCount: UInt64 {
        state.withLock { $0.accepted }
    }

    /// Hands `element` to a waiting consumer or queues it; overflows past `limit`.
    func yield(_ element: Element) {
        let (waiter, onEnd) = state.withLock { s -> (CheckedContinuation<Result<Element?, DBusError>, Never>?, (@Sendable () -> Void)?) in
            guard s.end == nil else { return (nil, nil) }
            if !s.waiters.isEmpty {
                s.accepted += 1
                return (s.waiters.removeFirst(), nil)
            }
            if s.elements.count - s.head >= limit {
                s.end = .failed(DBusError(.failed, message: "event buffer overflowed: more than \(limit) events not consumed"))
                defer { s.onEnd = nil }
                return (nil, s.onEnd)
            }
            s.elements.append(element)
            s.accepted += 1
            return (nil, nil)
        }
        waiter?.resume(returning: .success(element))
        onEnd?()
    }

    /// Ends the buffer: the consumer gets the queued elements, then nil (`error == nil`) or `error`.
    /// Does not run `onEnd` (the producer side ends it).
    func finish(throwing error: DBusError? = nil) {
        let waiters = state.withLock { s -> [CheckedContinuation<Result<Element?, DBusError>, Never>] in
            guard s.end == nil else { return [] }
            s.end = error.map(End.failed) ?? .finished
            s.onEnd = nil
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters {
            waiter.resume(returning: error.map { .failure($0) } ?? .success(nil))
        }
    }

    /// The next element; nil at the end or when the task is cancelled (which ends the buffer).
    func next() async throws(DBusError) -> Element? {
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Element?, DBusError>, Never>) in
                let ready = state.withLock { s -> Result<Element?, DBusError>? in
                    if s.head < s.elements.count {
                        let element = s.elements[s.head]
                        s.head += 1
                        if s.head > 64, s.head * 2 > s.elements.count {
                            s.elements.removeFirst(s.head)
                            s.head = 0
                        }
                        return .success(element)
                    }
                    switch s.end {
                    case .finished?: return .success(nil)
                    case .failed(let error)?:
                        s.end = .finished
                        return .failure(error)
                    case nil:
                        if Task.isCancelled { return .success(nil) }
                        s.waiters.append(continuation)
                        return nil
                    }
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            cancel()
        }
        return try result.get()
    }

    /// Ends the buffer from the consumer side and runs `onEnd`.
    func cancel() {
        let (waiters, onEnd) = state.withLock { s -> ([CheckedContinuation<Result<Element?, DBusError>, Never>], (@Sendable () -> Void)?) in
            let onEnd = s.onEnd
            s.onEnd = nil
            if s.end == nil {
                s.end = .finished
                s.elements = []
                s.head = 0
            }
            defer { s.waiters = [] }
            return (s.waiters, onEnd)
        }
        for waiter in waiters { waiter.resume(returning: .success(nil)) }
        onEnd?()
    }
}
