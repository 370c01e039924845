import DBus
import Synchronization

/// What this process shares per remote characteristic: the queue that keeps one write
/// outstanding, and the reference count of the notification session.
final class CharacteristicController: Sendable {
    let path: DBusObjectPath
    /// Writes, one at a time.
    let writes = SerialQueue()
    /// StartNotify/StopNotify, one at a time, in order.
    private let notifyQueue = SerialQueue()
    private let subscribers = Mutex<Int>(0)

    init(path: DBusObjectPath) {
        self.path = path
    }

    /// Adds a notification subscriber; the first calls `StartNotify`.
    func joinNotifications(session: BlueZSession, timeout: Duration) async throws(BlueZError) {
        let path = self.path
        let result: Result<Void, BlueZError> = await notifyQueue.run { [self] in
            let first = subscribers.withLock { count -> Bool in
                count += 1
                return count == 1
            }
            guard first else { return .success(()) }
            do throws(BlueZError) {
                _ = try await session.call(path, BlueZInterface.gattCharacteristic, "StartNotify", timeout: timeout)
                return .success(())
            } catch {
                subscribers.withLock { $0 -= 1 }
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Removes a notification subscriber; the last calls `StopNotify`.
    func leaveNotifications(session: BlueZSession, timeout: Duration) async {
        let path = self.path
        await notifyQueue.run { [self] in
            let last = subscribers.withLock { count -> Bool in
                count -= 1
                return count == 0
            }
            guard last else { return }
            _ = try? await session.call(path, BlueZInterface.gattCharacteristic, "StopNotify", timeout: timeout)
        }
    }

    /// The number of live notification subscribers.
    var notificationSubscribers: Int {
        subscribers.withLock { $0 }
    }
}

extension BlueZSession {
    /// The shared controller of the characteristic at `path`.
    func characteristicController(_ path: DBusObjectPath) -> CharacteristicController {
        state.withLock { state in
            if let existing = state.characteristics[path] { return existing }
            let created = CharacteristicController(path: path)
            state.characteristics[path] = created
            return created
        }
    }
}
