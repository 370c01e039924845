import SetupLink
import SetupProtocol
import Synchronization

/// The central session's events waiting for the application, and the session's failure once
/// it ended. The driver posts; ``CentralDriver/nextEvent(within:)`` waits and takes.
///
/// Waiting does not consume: a wait that times out or is cancelled leaves every event in place,
/// so a deadline never loses one.
final class EventMailbox: Sendable {
    /// An event and the ATT traffic that came before the message that produced it.
    struct Entry: Sendable {
        let event: CentralEvent
        let trafficBefore: LinkStatistics
    }

    private struct State {
        var entries: [Entry] = []
        var terminal: ProtocolError?
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0

        var isReady: Bool { !entries.isEmpty || terminal != nil }
    }

    private let state = Mutex(State())

    /// Adds an event; a `.failed` event also records the session's failure.
    func post(_ entry: Entry) {
        let waiters = state.withLock { state in
            state.entries.append(entry)
            if case .failed(let error) = entry.event, state.terminal == nil { state.terminal = error }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The oldest event, or the session's failure once every event was taken; nil when there is
    /// neither yet.
    func take() -> Result<Entry, ProtocolError>? {
        state.withLock { state in
            if !state.entries.isEmpty { return .success(state.entries.removeFirst()) }
            return state.terminal.map { .failure($0) }
        }
    }

    /// Returns once ``take()`` has something, or the calling task is cancelled.
    func waitUntilReady() async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    // Task.isCancelled is set before the cancellation handler runs: either the
                    // handler finds this waiter, or this check sees the cancellation.
                    if state.isReady || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
