import DBus

/// A local Bluetooth controller (`org.bluez.Adapter1`, e.g. `/org/bluez/hci0`).
public struct Adapter: Sendable, Hashable {
    /// The session the adapter is reached through.
    public let session: BlueZSession
    /// The adapter's object path.
    public let path: DBusObjectPath

    /// The adapter at `path` (not checked until used).
    public init(session: BlueZSession, path: DBusObjectPath) {
        self.session = session
        self.path = path
    }

    public static func == (lhs: Adapter, rhs: Adapter) -> Bool { lhs.session === rhs.session && lhs.path == rhs.path }
    public func hash(into hasher: inout Hasher) { hasher.combine(path) }

    /// The interface name, e.g. `hci0`.
    public var name: String { String(path.rawValue.split(separator: "/").last ?? "") }

    /// The cached properties; throws `.noAdapter` when the adapter is gone.
    public func properties() throws(BlueZError) -> AdapterProperties {
        guard let properties = session.properties(of: BlueZInterface.adapter, at: path) else {
            throw BlueZError(.noAdapter, message: "no adapter at \(path)")
        }
        return AdapterProperties(path: path, properties: properties)
    }

    /// Turns the radio on or off (`Powered`) and waits until BlueZ reports the new state.
    public func setPowered(_ powered: Bool, deadline: ContinuousClock.Instant) async throws(BlueZError) {
        try await session.setProperty("Powered", of: BlueZInterface.adapter, at: path, to: .boolean(powered), timeout: deadline.remaining)
        try await waitForPowered(powered, deadline: deadline)
    }

    /// Waits until the adapter's `Powered` equals `powered`.
    public func waitForPowered(_ powered: Bool, deadline: ContinuousClock.Instant) async throws(BlueZError) {
        try await waitForProperties("Powered=\(powered)", deadline: deadline) { $0.bool("Powered") == powered }
    }

    /// Waits until the adapter's cached properties satisfy `holds`; `.noAdapter` when the
    /// adapter vanishes, `.timedOut` past `deadline`.
    private func waitForProperties(
        _ what: String, deadline: ContinuousClock.Instant, until holds: @escaping @Sendable ([String: DBusValue]) -> Bool
    ) async throws(BlueZError) {
        let path = self.path
        try await session.wait(for: "\(name) \(what)", in: .object(path), deadline: deadline) { cache, _ throws(BlueZError) in
            guard let properties = cache.properties(of: BlueZInterface.adapter, at: path) else {
                throw BlueZError(.noAdapter, message: "adapter \(path) vanished")
            }
            return holds(properties) ? () : nil
        }
    }

    /// Sets the adapter's friendly name (`Alias`) and waits until BlueZ reports it. bluetoothd
    /// stores it and also serves it as the GAP Device Name that remote devices read after
    /// connecting (their Device1.Name then becomes it); an empty alias makes bluetoothd fall
    /// back to the system name (`Name`).
    ///
    /// - Throws: BlueZ's error for the `Properties.Set` call, `.noAdapter` when the adapter
    ///   vanishes, `.timedOut` past `deadline`.
    public func setAlias(_ alias: String, deadline: ContinuousClock.Instant) async throws(BlueZError) {
        try await session.setProperty("Alias", of: BlueZInterface.adapter, at: path, to: .string(alias), timeout: deadline.remaining)
        try await waitForProperties("Alias", deadline: deadline) { properties in
            let current = properties.string("Alias")
            return current == alias || (alias.isEmpty && current == properties.string("Name"))
        }
    }

    /// Starts (or joins) discovery with `filter`. Throws `.adapterPoweredOff` when the radio
    /// is off, or BlueZ's error. `timeout` bounds each D-Bus call the first user makes.
    public func discover(_ filter: DiscoveryFilter = DiscoveryFilter(), timeout: Duration = .seconds(10)) async throws(BlueZError) -> DiscoverySession {
        guard try properties().powered else {
            throw BlueZError(.adapterPoweredOff, message: "\(name) is powered off")
        }
        let controller = session.state.withLock { state in
            if let existing = state.discoveries[path] { return existing }
            let created = DiscoveryController(adapter: path, timeout: timeout)
            state.discoveries[path] = created
            return created
        }
        let id = try await controller.join(filter, session: session)
        return DiscoverySession(adapter: self, filter: filter, controller: controller, id: id)
    }

    /// The devices BlueZ knows on this adapter (discovered, paired or connected), sorted by path.
    public func devices() -> [Device] {
        session.cache.objects(with: BlueZInterface.device, under: path).map { Device(session: session, path: $0.0) }
    }

    /// The known device with Bluetooth address `address` (case-insensitive), if any.
    public func device(address: String) -> Device? {
        session.cache.objects(with: BlueZInterface.device, under: path)
            .first { ($0.1.string("Address") ?? "").lowercased() == address.lowercased() }
            .map { Device(session: session, path: $0.0) }
    }

    /// `RemoveDevice`: BlueZ disconnects it and forgets it, including its cached GATT database.
    public func removeDevice(_ device: Device, timeout: Duration = .seconds(10)) async throws(BlueZError) {
        _ = try await session.call(path, BlueZInterface.adapter, "RemoveDevice", [.objectPath(device.path)], timeout: timeout)
    }
}

extension BlueZSession {
    /// Every adapter, sorted by path.
    public func adapters() -> [Adapter] {
        cache.objects(with: BlueZInterface.adapter).map { Adapter(session: self, path: $0.0) }
    }

    /// The adapter named `name` (`hci0`), or the first one when `name` is nil. Throws
    /// `.noAdapter` when there is none.
    public func adapter(named name: String? = nil) throws(BlueZError) -> Adapter {
        let all = adapters()
        if let name {
            guard let adapter = all.first(where: { $0.name == name }) else {
                throw BlueZError(.noAdapter, message: "no adapter named \(name)")
            }
            return adapter
        }
        guard let first = all.first else { throw BlueZError(.noAdapter, message: "no Bluetooth adapter") }
        return first
    }

    /// Waits until an adapter (named `name`, or any) exists, e.g. after bluetoothd restarts.
    public func waitForAdapter(named name: String? = nil, deadline: ContinuousClock.Instant) async throws(BlueZError) -> Adapter {
        try await wait(for: "an adapter", in: .all, deadline: deadline, throughRestarts: true) { [weak self] cache, _ throws(BlueZError) in
            guard let self else { return nil }
            return cache.objects(with: BlueZInterface.adapter)
                .first { adapter in name.map { adapter.0.rawValue.hasSuffix("/" + $0) } ?? true }
                .map { Adapter(session: self, path: $0.0) }
        }
    }
}
