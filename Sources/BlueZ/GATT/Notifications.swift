import DBus
import Synchronization

/// The notifications (or indications) of one remote characteristic, as an `AsyncSequence` of
/// values. Iterate it from one task.
///
/// It ends (nil) after ``stop()`` or when the iterating task is cancelled; it throws
/// `.disconnected` when the device's `Connected` turns false or the characteristic or device
/// object vanishes, and `.bluetoothdRestarted` when bluetoothd leaves the bus. (bluetoothd 5.66
/// keeps a disconnected device's GATT objects until the device is removed, up to its
/// TemporaryTimeout of 30 s later or never for a bonded one: `Connected` is what tells.) The last session of this
/// process to stop calls `StopNotify`; a session dropped without ``stop()`` leaves in the
/// background.
public final class Notifications: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = BlueZError

    /// The characteristic notifying.
    public let characteristic: RemoteCharacteristic
    private let device: DBusObjectPath
    private let controller: CharacteristicController
    private let events: AsyncStream<BlueZEvent>
    private let timeout: Duration
    private let stopped = Atomic<Bool>(false)
    private let iterated = Atomic<Bool>(false)

    init(characteristic: RemoteCharacteristic, device: DBusObjectPath, controller: CharacteristicController, events: AsyncStream<BlueZEvent>, timeout: Duration) {
        self.characteristic = characteristic
        self.device = device
        self.controller = controller
        self.events = events
        self.timeout = timeout
    }

    deinit {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let (controller, session, timeout) = (controller, characteristic.session, timeout)
        Task { await controller.leaveNotifications(session: session, timeout: timeout) }
    }

    /// Leaves the notification session; the last subscriber calls `StopNotify`. Idempotent.
    public func stop() async {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await controller.leaveNotifications(session: characteristic.session, timeout: timeout)
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(owner: self, events: events.makeAsyncIterator())
    }

    /// Iterates ``Notifications``.
    public struct Iterator: AsyncIteratorProtocol {
        let owner: Notifications
        var events: AsyncStream<BlueZEvent>.Iterator

        /// The next notified value; nil when the session ended.
        public mutating func next() async throws(BlueZError) -> [UInt8]? {
            while let event = await events.next() {
                if owner.stopped.load(ordering: .acquiring) { return nil }
                switch event {
                case .propertiesChanged(owner.characteristic.path, BlueZInterface.gattCharacteristic, let changed, _):
                    guard let value = changed["Value"] else { continue }
                    guard let bytes = try? value.unwrappedVariant.bytes() else { continue }
                    return bytes
                case .propertiesChanged(owner.device, BlueZInterface.device, let changed, _)
                where changed["Connected"]?.unwrappedVariant == .boolean(false):
                    throw BlueZError(.disconnected, message: "device \(owner.device) disconnected while notifying")
                case .interfacesRemoved(owner.characteristic.path, let names) where names.contains(BlueZInterface.gattCharacteristic),
                     .interfacesRemoved(owner.device, let names) where names.contains(BlueZInterface.device):
                    throw BlueZError(.disconnected, message: "characteristic \(owner.characteristic.path) vanished while notifying")
                case .bluetoothdStopped:
                    throw BlueZError(.bluetoothdRestarted, message: "bluetoothd left the bus while notifying")
                default:
                    continue
                }
            }
            return nil
        }
    }
}
