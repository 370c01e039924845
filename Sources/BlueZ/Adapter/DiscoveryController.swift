import DBus
import Synchronization

/// The reference count of one adapter's discovery in this process.
///
/// Sessions join and leave through one serial queue: the first join sets the filter and calls
/// `StartDiscovery`; a join that widens the merged filter sets it again; the last leave calls
/// `StopDiscovery` and clears the filter. BlueZ keeps one discovery and one filter per D-Bus
/// client, so this count is what makes several sessions of one process share it.
final class DiscoveryController: Sendable {
    let adapter: DBusObjectPath
    private let queue = SerialQueue()
    private let users = Mutex<(filters: [UInt64: DiscoveryFilter], next: UInt64, applied: DiscoveryFilter?)>(([:], 0, nil))
    private let timeout: Duration

    init(adapter: DBusObjectPath, timeout: Duration) {
        self.adapter = adapter
        self.timeout = timeout
    }

    /// Adds a user with `filter`; starts discovery when it is the first. Returns its id.
    func join(_ filter: DiscoveryFilter, session: BlueZSession) async throws(BlueZError) -> UInt64 {
        let timeout = self.timeout
        let result: Result<UInt64, BlueZError> = await queue.run { [self] in
            let (id, merged, first, applied) = users.withLock { users in
                let id = users.next
                users.next += 1
                users.filters[id] = filter
                return (id, DiscoveryFilter.merged(Array(users.filters.values)), users.filters.count == 1, users.applied)
            }
            do throws(BlueZError) {
                if merged != applied, let merged {
                    _ = try await session.call(adapter, BlueZInterface.adapter, "SetDiscoveryFilter", [merged.dbusValue], timeout: timeout)
                    users.withLock { $0.applied = merged }
                }
                if first {
                    _ = try await session.call(adapter, BlueZInterface.adapter, "StartDiscovery", timeout: timeout)
                }
                return .success(id)
            } catch {
                _ = users.withLock { $0.filters.removeValue(forKey: id) }
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Removes user `id`; stops discovery and clears the filter when it was the last.
    func leave(_ id: UInt64, session: BlueZSession) async {
        let timeout = self.timeout
        await queue.run { [self] in
            let last = users.withLock { users -> Bool in
                guard users.filters.removeValue(forKey: id) != nil else { return false }
                return users.filters.isEmpty
            }
            guard last else { return }
            _ = try? await session.call(adapter, BlueZInterface.adapter, "StopDiscovery", timeout: timeout)
            _ = try? await session.call(adapter, BlueZInterface.adapter, "SetDiscoveryFilter", [.propertyDictionary([:])], timeout: timeout)
            users.withLock { $0.applied = nil }
        }
    }

    /// Starts discovery again for the current users after bluetoothd restarted (it forgot our
    /// filter and discovery with its old bus name). Failures are left to the users' streams.
    func rearm(session: BlueZSession) async {
        let timeout = self.timeout
        await queue.run { [self] in
            let merged = users.withLock { users -> DiscoveryFilter? in
                users.applied = nil
                return DiscoveryFilter.merged(Array(users.filters.values))
            }
            guard let merged else { return }
            _ = try? await session.call(adapter, BlueZInterface.adapter, "SetDiscoveryFilter", [merged.dbusValue], timeout: timeout)
            users.withLock { $0.applied = merged }
            _ = try? await session.call(adapter, BlueZInterface.adapter, "StartDiscovery", timeout: timeout)
        }
    }

    /// How many sessions use discovery now.
    var userCount: Int {
        users.withLock { $0.filters.count }
    }
}
