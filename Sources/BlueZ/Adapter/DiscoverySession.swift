import DBus
import Synchronization

/// A share of an adapter's discovery: discovery runs while at least one session of this
/// process is alive. End it with ``stop()``; a session dropped without it is left on the
/// BlueZ session's own task.
public final class DiscoverySession: Sendable {
    /// The adapter discovering.
    public let adapter: Adapter
    /// This session's filter, re-checked on every reported device.
    public let filter: DiscoveryFilter
    private let controller: DiscoveryController
    private let id: UInt64
    private let stopped = Atomic<Bool>(false)

    init(adapter: Adapter, filter: DiscoveryFilter, controller: DiscoveryController, id: UInt64) {
        self.adapter = adapter
        self.filter = filter
        self.controller = controller
        self.id = id
    }

    deinit {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let (controller, id, session) = (controller, id, adapter.session)
        session.releaseInBackground { [weak session] in
            guard let session else { return }
            await controller.leave(id, session: session)
        }
    }

    /// Leaves the discovery; the last session to leave stops it (`StopDiscovery`).
    /// Idempotent.
    public func stop() async {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await controller.leave(id, session: adapter.session)
    }

    /// The devices this session finds: one element when a device appears and one each time
    /// BlueZ reports new RSSI, ServiceData, ManufacturerData, name, alias, UUIDs or TxPower, for
    /// devices that pass ``filter``. With `includeKnown`, devices already in BlueZ's cache that
    /// pass the filter come first, fresh only when they have an RSSI (see
    /// ``DiscoveredDevice/isFresh``): bluetoothd keeps a device that stopped advertising as a
    /// known device for a while, without RSSI once discovery stopped.
    public func devices(includeKnown: Bool = false) -> DiscoveredDevices {
        let (cache, events) = adapter.session.subscribe(.subtree(adapter.path))
        var initial: [DiscoveredDevice] = []
        if includeKnown {
            for (path, properties) in cache.objects(with: BlueZInterface.device, under: adapter.path) {
                let device = DeviceProperties(path: path, properties: properties)
                if filter.matches(device) {
                    // Any RSSI, even 127 ("not available"), comes from a report of a discovery
                    // still running (another client's): bluetoothd drops it when discovery stops.
                    initial.append(DiscoveredDevice(
                        device: Device(session: adapter.session, path: path), properties: device, isNew: false,
                        isFresh: properties["RSSI"] != nil))
                }
            }
        }
        return DiscoveredDevices(session: adapter.session, filter: filter, initial: initial, events: events)
    }
}

/// One report of a discovered device.
public struct DiscoveredDevice: Sendable {
    /// The device, to connect to.
    public var device: Device
    /// Its properties when reported.
    public var properties: DeviceProperties
    /// True for the report of a device's appearance (InterfacesAdded), false for updates.
    public var isNew: Bool
    /// True when this report shows the device advertising while the session runs: it appeared,
    /// or BlueZ changed a property that only an advertising report sets (RSSI,
    /// ManufacturerData, ServiceData, UUIDs, Name, TxPower), or — a known device listed first by
    /// `devices(includeKnown: true)` — it has an RSSI (a discovery running for another client
    /// heard it). False for a known device without RSSI, which may have stopped advertising
    /// long ago, and for an update of other properties (e.g. Alias alone).
    public var isFresh: Bool

    /// A report of `device` with its `properties`.
    public init(device: Device, properties: DeviceProperties, isNew: Bool, isFresh: Bool) {
        self.device = device
        self.properties = properties
        self.isNew = isNew
        self.isFresh = isFresh
    }
}

/// The devices a ``DiscoverySession`` finds, as an `AsyncSequence`. It ends when the iterating
/// task is cancelled or the session closes; it throws `.bluetoothdRestarted` when bluetoothd
/// leaves the bus.
public struct DiscoveredDevices: AsyncSequence, Sendable {
    public typealias Element = DiscoveredDevice
    public typealias Failure = BlueZError

    let session: BlueZSession
    let filter: DiscoveryFilter
    let initial: [DiscoveredDevice]
    let events: AsyncStream<BlueZEvent>

    /// Properties that only an advertising report changes: their change makes a fresh report.
    static let advertised: Set<String> = ["RSSI", "ServiceData", "ManufacturerData", "Name", "UUIDs", "TxPower"]
    /// Properties whose change makes a new report: the advertised ones and the alias.
    static let reported = advertised.union(["Alias"])

    public func makeAsyncIterator() -> Iterator {
        Iterator(session: session, filter: filter, pending: initial, events: events.makeAsyncIterator())
    }

    /// Iterates ``DiscoveredDevices``.
    public struct Iterator: AsyncIteratorProtocol {
        let session: BlueZSession
        let filter: DiscoveryFilter
        var pending: [DiscoveredDevice]
        var events: AsyncStream<BlueZEvent>.Iterator

        /// The next report; nil when the sequence ended.
        public mutating func next() async throws(BlueZError) -> DiscoveredDevice? {
            if !pending.isEmpty { return pending.removeFirst() }
            while let event = await events.next() {
                let path: DBusObjectPath
                let isNew: Bool
                let isFresh: Bool
                switch event {
                case .interfacesAdded(let added, let interfaces) where interfaces[BlueZInterface.device] != nil:
                    (path, isNew, isFresh) = (added, true, true)
                case .propertiesChanged(let changedPath, BlueZInterface.device, let changed, _)
                where !DiscoveredDevices.reported.isDisjoint(with: changed.keys):
                    (path, isNew, isFresh) = (changedPath, false, !DiscoveredDevices.advertised.isDisjoint(with: changed.keys))
                case .bluetoothdStopped:
                    throw BlueZError(.bluetoothdRestarted, message: "bluetoothd left the bus during discovery")
                default:
                    continue
                }
                guard let properties = session.properties(of: BlueZInterface.device, at: path) else { continue }
                let device = DeviceProperties(path: path, properties: properties)
                guard filter.matches(device) else { continue }
                return DiscoveredDevice(device: Device(session: session, path: path), properties: device, isNew: isNew, isFresh: isFresh)
            }
            return nil
        }
    }
}
