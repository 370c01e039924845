import DBus
import Synchronization

/// The notifications (or indications) of one remote characteristic: a reference-counted
/// session (the first subscriber of this process calls `StartNotify`, the last to ``stop()``
/// calls `StopNotify`) and its values.
///
/// The session's router puts each notified value straight into ``values``, an
/// `AsyncThrowingStream` that a consumer iterates with no task in between; iterate it (or the
/// `Notifications` itself, as an `AsyncSequence`) from one task. The stream ends normally after
/// ``stop()`` or when the BlueZ session closes, and throws a ``BlueZError``: `.disconnected`
/// when the device's `Connected` turns false or the characteristic or device object vanishes,
/// `.bluetoothdRestarted` when bluetoothd leaves the bus. (bluetoothd 5.66 keeps a disconnected
/// device's GATT objects until the device is removed, up to its TemporaryTimeout of 30 s later
/// or never for a bonded one: `Connected` is what tells.) A session dropped without ``stop()``
/// leaves on the BlueZ session's own task.
public final class Notifications: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = BlueZError

    /// The characteristic notifying.
    public let characteristic: RemoteCharacteristic
    /// The notified values, in order; errors are ``BlueZError``s.
    public let values: AsyncThrowingStream<[UInt8], any Error>
    private let subscriber: UInt64
    private let controller: CharacteristicController
    private let timeout: Duration
    private let stopped = Atomic<Bool>(false)

    init(
        characteristic: RemoteCharacteristic, values: AsyncThrowingStream<[UInt8], any Error>, subscriber: UInt64,
        controller: CharacteristicController, timeout: Duration
    ) {
        self.characteristic = characteristic
        self.values = values
        self.subscriber = subscriber
        self.controller = controller
        self.timeout = timeout
    }

    deinit {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        characteristic.session.finishValues(subscriber)
        let (controller, session, timeout) = (controller, characteristic.session, timeout)
        session.releaseInBackground { [weak session] in
            guard let session else { return }
            await controller.leaveNotifications(session: session, timeout: timeout)
        }
    }

    /// Ends ``values`` and leaves the notification session; the last subscriber calls
    /// `StopNotify`. Idempotent.
    public func stop() async {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        characteristic.session.finishValues(subscriber)
        await controller.leaveNotifications(session: characteristic.session, timeout: timeout)
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(values: values.makeAsyncIterator())
    }

    /// Iterates ``Notifications``: ``values`` with its errors typed.
    public struct Iterator: AsyncIteratorProtocol {
        var values: AsyncThrowingStream<[UInt8], any Error>.Iterator

        /// The next notified value; nil when the session ended.
        public mutating func next() async throws(BlueZError) -> [UInt8]? {
            do {
                return try await values.next()
            } catch let error as BlueZError {
                throw error
            } catch {
                throw BlueZError(.cancelled, message: "notifications ended: \(error)")
            }
        }
    }
}
