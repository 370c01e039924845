import Synchronization

/// The centrals connected to one ``BlueZPrinterHost``, by device path: each one's link and the
/// task that serves it, which the table owns until the session ends.
final class LinkTable: Sendable {
    private struct Entry {
        let link: BlueZServerLink
        var task: Task<Void, Never>?
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// The link of the central at `key`; a new one from `make` (and true) when there is none.
    func link(for key: String, make: () -> BlueZServerLink) -> (BlueZServerLink, isNew: Bool) {
        entries.withLock { entries in
            if let existing = entries[key] { return (existing.link, false) }
            let link = make()
            entries[key] = Entry(link: link)
            return (link, true)
        }
    }

    /// Takes ownership of the task serving `link` (unless its session already ended).
    func own(_ task: Task<Void, Never>, for link: BlueZServerLink) {
        entries.withLock { entries in
            guard let key = entries.first(where: { $0.value.link === link })?.key else { return }
            entries[key]?.task = task
        }
    }

    /// Forgets `link` once its session ended (not a newer link of the same central).
    func remove(_ link: BlueZServerLink, for key: String) {
        entries.withLock { entries in
            if entries[key]?.link === link { entries[key] = nil }
        }
    }

    /// Ends every session and waits until each one's task has ended.
    func closeAll() async {
        let current = entries.withLock { Array($0.values) }
        for entry in current { await entry.link.close() }
        for entry in current { await entry.task?.value }
    }
}
