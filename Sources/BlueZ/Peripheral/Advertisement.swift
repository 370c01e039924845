import DBus
import Synchronization

/// The data of an LE advertisement (`org.bluez.LEAdvertisement1`'s properties).
public struct Advertisement: Sendable, Hashable {
    /// The advertising type.
    public enum Kind: String, Sendable, Hashable {
        /// Connectable.
        case peripheral
        /// Non-connectable.
        case broadcast
    }

    /// `Type`: connectable or not.
    public var kind: Kind
    /// Service UUIDs to advertise (normalised).
    public var serviceUUIDs: [String]
    /// Solicited service UUIDs.
    public var solicitUUIDs: [String]
    /// Company identifier to bytes.
    public var manufacturerData: [UInt16: [UInt8]]
    /// Service UUID to bytes.
    public var serviceData: [String: [UInt8]]
    /// The local name (BlueZ puts it in the scan response if it does not fit).
    public var localName: String?
    /// The GAP appearance.
    public var appearance: UInt16?
    /// Items BlueZ adds itself: "tx-power", "appearance", "local-name".
    public var includes: [String]
    /// Whether to set the LE General Discoverable flag.
    public var discoverable: Bool?
    /// Duration and timeout in seconds (BlueZ defaults when nil).
    public var duration: UInt16?
    /// `Timeout` in seconds.
    public var timeout: UInt16?

    /// An advertisement; by default connectable with nothing in it.
    public init(
        kind: Kind = .peripheral, serviceUUIDs: [String] = [], solicitUUIDs: [String] = [],
        manufacturerData: [UInt16: [UInt8]] = [:], serviceData: [String: [UInt8]] = [:], localName: String? = nil,
        appearance: UInt16? = nil, includes: [String] = [], discoverable: Bool? = nil, duration: UInt16? = nil, timeout: UInt16? = nil
    ) {
        self.kind = kind
        self.serviceUUIDs = serviceUUIDs.map(GattUUID.normalized)
        self.solicitUUIDs = solicitUUIDs.map(GattUUID.normalized)
        self.manufacturerData = manufacturerData
        self.serviceData = Dictionary(serviceData.map { (GattUUID.normalized($0.key), $0.value) }) { $1 }
        self.localName = localName
        self.appearance = appearance
        self.includes = includes
        self.discoverable = discoverable
        self.duration = duration
        self.timeout = timeout
    }

    /// The exported properties; optional ones only when set.
    var exportedProperties: [DBusExportedProperty] {
        func constant(_ name: String, _ value: DBusValue) -> DBusExportedProperty {
            DBusExportedProperty(name, type: value.type, emitsChanged: .constant, get: { _ in value })
        }
        var properties = [constant("Type", .string(kind.rawValue))]
        if !serviceUUIDs.isEmpty { properties.append(constant("ServiceUUIDs", .stringArray(serviceUUIDs))) }
        if !solicitUUIDs.isEmpty { properties.append(constant("SolicitUUIDs", .stringArray(solicitUUIDs))) }
        if !manufacturerData.isEmpty {
            properties.append(constant("ManufacturerData", .uint16VariantDictionary(manufacturerData.mapValues { .bytes($0) })))
        }
        if !serviceData.isEmpty {
            properties.append(constant("ServiceData", .propertyDictionary(serviceData.mapValues { .bytes($0) })))
        }
        if let localName { properties.append(constant("LocalName", .string(localName))) }
        if let appearance { properties.append(constant("Appearance", .uint16(appearance))) }
        if !includes.isEmpty { properties.append(constant("Includes", .stringArray(includes))) }
        if let discoverable { properties.append(constant("Discoverable", .boolean(discoverable))) }
        if let duration { properties.append(constant("Duration", .uint16(duration))) }
        if let timeout { properties.append(constant("Timeout", .uint16(timeout))) }
        return properties
    }
}

/// An advertisement registered with BlueZ (`LEAdvertisingManager1.RegisterAdvertisement`).
///
/// The advertisement is exported at ``path`` on the session's connection. BlueZ calls
/// `Release` when it drops the advertisement itself (``isReleased`` turns true).
/// ``unregister()`` unregisters and unexports; dropping it does that on the session's own task.
public final class AdvertisementRegistration: Sendable {
    /// The adapter advertising.
    public let adapter: Adapter
    /// The exported object's path.
    public let path: DBusObjectPath
    /// The advertised data.
    public let advertisement: Advertisement
    private let registered = Atomic<Bool>(true)
    private let released: ReleaseFlag
    private let timeout: Duration

    fileprivate init(adapter: Adapter, path: DBusObjectPath, advertisement: Advertisement, flag: ReleaseFlag, timeout: Duration) {
        self.adapter = adapter
        self.path = path
        self.advertisement = advertisement
        self.released = flag
        self.timeout = timeout
    }

    deinit {
        guard registered.exchange(false, ordering: .acquiringAndReleasing) else { return }
        let (adapter, path, timeout) = (adapter, path, timeout)
        adapter.session.releaseInBackground { await Self.tearDown(adapter: adapter, path: path, timeout: timeout) }
    }

    /// True once BlueZ called `Release` (it stopped advertising this on its own).
    public var isReleased: Bool {
        released.value.load(ordering: .acquiring)
    }

    /// Unregisters from BlueZ and unexports. Idempotent.
    public func unregister() async {
        guard registered.exchange(false, ordering: .acquiringAndReleasing) else { return }
        await Self.tearDown(adapter: adapter, path: path, timeout: timeout)
    }

    private static func tearDown(adapter: Adapter, path: DBusObjectPath, timeout: Duration) async {
        _ = try? await adapter.session.call(
            adapter.path, BlueZInterface.advertisingManager, "UnregisterAdvertisement", [.objectPath(path)], timeout: timeout)
        try? adapter.session.server.unregisterObject(at: path)
    }
}

/// Shared between the exported `Release` handler and the registration (which may not exist yet).
fileprivate final class ReleaseFlag: Sendable {
    let value = Atomic<Bool>(false)
}

extension Adapter {
    /// Exports `advertisement` and registers it with this adapter's LEAdvertisingManager1.
    /// Throws BlueZ's error (e.g. `.failed` "Failed to parse advertisement." when the data is
    /// too long) after unexporting again.
    public func advertise(_ advertisement: Advertisement, timeout: Duration = .seconds(25)) async throws(BlueZError) -> AdvertisementRegistration {
        let path = try session.exportPath("advertisement")
        let flag = ReleaseFlag()
        let interface = DBusExportedInterface(
            BlueZInterface.advertisement,
            methods: [
                DBusExportedMethod("Release") { _ throws(DBusError) in
                    flag.value.store(true, ordering: .releasing)
                    return []
                },
            ],
            properties: advertisement.exportedProperties)
        do throws(DBusError) {
            try session.server.register([interface], at: path)
        } catch {
            throw BlueZError(error)
        }
        do throws(BlueZError) {
            _ = try await session.call(
                self.path, BlueZInterface.advertisingManager, "RegisterAdvertisement",
                [.objectPath(path), .propertyDictionary([:])], timeout: timeout)
        } catch {
            try? session.server.unregisterObject(at: path)
            throw error
        }
        return AdvertisementRegistration(adapter: self, path: path, advertisement: advertisement, flag: flag, timeout: timeout)
    }
}
