import Synchronization

/// The centrals connected to one ``BlueZPrinterHost``, by device path: each one's link and the
/// task that serves it, which the table owns until the session ends. A link whose connection
/// ended is detached (a reconnection of the same central gets a new link) but its task stays
/// owned until it ends, so that ``closeAll()`` still waits for it.
final class LinkTable: Sendable {
    private struct Entry {
        let link: BlueZServerLink
        var task: Task<Void, Never>?
    }

    private struct State {
        var current: [String: Entry] = [:]
        var detached: [Entry] = []
    }

    private let state = Mutex(State())

    /// The link of the central at `key`; a new one from `make` (and true) when there is none.
    func link(for key: String, make: () -> BlueZServerLink) -> (BlueZServerLink, isNew: Bool) {
        state.withLock { state in
            if let existing = state.current[key] { return (existing.link, false) }
            let link = make()
            state.current[key] = Entry(link: link)
            return (link, true)
        }
    }

    /// Takes ownership of the task serving `link` (unless its session already ended).
    func own(_ task: Task<Void, Never>, for link: BlueZServerLink) {
        state.withLock { state in
            if let key = state.current.first(where: { $0.value.link === link })?.key {
                state.current[key]?.task = task
            } else if let index = state.detached.firstIndex(where: { $0.link === link }) {
                state.detached[index].task = task
            }
        }
    }

    /// Forgets the link of the central at `key` (its connection ended) and returns it to close.
    func detach(_ key: String) -> BlueZServerLink? {
        state.withLock { state in
            guard let entry = state.current.removeValue(forKey: key) else { return nil }
            state.detached.append(entry)
            return entry.link
        }
    }

    /// Forgets `link` once its session ended (not a newer link of the same central).
    func remove(_ link: BlueZServerLink, for key: String) {
        state.withLock { state in
            if state.current[key]?.link === link { state.current[key] = nil }
            state.detached.removeAll { $0.link === link }
        }
    }

    /// Ends every session and waits until each one's task has ended.
    func closeAll() async {
        let all = state.withLock { $0.detached + Array($0.current.values) }
        for entry in all { await entry.link.close() }
        for entry in all { await entry.task?.value }
    }
}
