import DBus

extension SimulatorCore {
    /// Adapter1, GattManager1 and LEAdvertisingManager1 of `hciN`.
    func adapterInterfaces(_ index: Int) -> [DBusExportedInterface] {
        [adapterInterface(index), gattManagerInterface(index), advertisingManagerInterface(index)]
    }

    func adapter<T: Sendable>(_ index: Int, _ read: (AdapterState) -> T) throws(DBusError) -> T {
        guard let value = state.withLock({ state in state.adapters[index].map(read) }) else {
            throw DBusError(.unknownObject, message: "No such adapter hci\(index)")
        }
        return value
    }

    private func adapterProperty(_ name: String, _ type: DBusType, _ index: Int, _ read: @escaping @Sendable (AdapterState) -> DBusValue) -> DBusExportedProperty {
        DBusExportedProperty(name, type: type, get: { [weak self] _ throws(DBusError) in
            guard let self else { throw DBusError(.unknownObject, message: "gone") }
            return try adapter(index, read)
        })
    }

    private func adapterSetting(
        _ name: String, _ type: DBusType, _ index: Int, _ read: @escaping @Sendable (AdapterState) -> DBusValue,
        apply: @escaping @Sendable (SimulatorCore, DBusValue) async throws(DBusError) -> Void
    ) -> DBusExportedProperty {
        var property = adapterProperty(name, type, index, read)
        property.setter = { [weak self] _, value throws(DBusError) in
            guard let self else { return }
            try await apply(self, value)
        }
        return property
    }

    private func adapterInterface(_ index: Int) -> DBusExportedInterface {
        let stringArray = DBusType.array(.string)
        return DBusExportedInterface(
            Self.adapterInterface,
            methods: [
                DBusExportedMethod("StartDiscovery") { [weak self] invocation throws(DBusError) in
                    try await self?.startDiscovery(index, client: invocation.sender ?? "")
                    return []
                },
                DBusExportedMethod("StopDiscovery") { [weak self] invocation throws(DBusError) in
                    try self?.stopDiscovery(index, client: invocation.sender ?? "")
                    return []
                },
                DBusExportedMethod("SetDiscoveryFilter", inputs: [.init("filter", .dictionary(key: .string, value: .variant))]) {
                    [weak self] invocation throws(DBusError) in
                    guard let properties = try? invocation.arguments[0].propertyDictionary() else { throw ErrorReply.invalidArguments() }
                    let filter = try ClientDiscoveryFilter(properties: properties)
                    self?.state.withLock { state in
                        state.adapters[index]?.filters[invocation.sender ?? ""] = properties.isEmpty ? nil : filter
                    }
                    return []
                },
                DBusExportedMethod("GetDiscoveryFilters", outputs: [.init("filters", stringArray)]) { _ in
                    [.stringArray(["UUIDs", "RSSI", "Pathloss", "Transport", "DuplicateData", "Discoverable", "Pattern"])]
                },
                DBusExportedMethod("RemoveDevice", inputs: [.init("device", .objectPath)]) { [weak self] invocation throws(DBusError) in
                    guard let path = invocation.arguments[0].objectPath else { throw ErrorReply.invalidArguments() }
                    try await self?.removeDevice(path, from: index)
                    return []
                },
            ],
            properties: [
                adapterProperty("Address", .string, index) { .string($0.address.text) },
                adapterProperty("AddressType", .string, index) { _ in .string("public") },
                adapterProperty("Name", .string, index) { .string($0.name) },
                // bluetoothd serves the alias as the GAP Device Name; an empty one drops the
                // stored alias and falls back to the system name.
                adapterSetting("Alias", .string, index, { .string($0.alias) }) { core, value throws(DBusError) in
                    core.state.withLock { state in
                        guard let name = state.adapters[index]?.name else { return }
                        let alias = value.string ?? ""
                        state.adapters[index]?.alias = alias.isEmpty ? name : alias
                    }
                },
                adapterProperty("Class", .uint32, index) { _ in .uint32(0) },
                adapterSetting("Powered", .boolean, index, { .boolean($0.powered) }) { core, value throws(DBusError) in
                    await core.setPowered(index, value.bool ?? false)
                },
                adapterSetting("Discoverable", .boolean, index, { .boolean($0.discoverable) }) { core, value throws(DBusError) in
                    core.state.withLock { $0.adapters[index]?.discoverable = value.bool ?? false }
                },
                adapterSetting("DiscoverableTimeout", .uint32, index, { .uint32($0.discoverableTimeout) }) { core, value throws(DBusError) in
                    core.state.withLock { $0.adapters[index]?.discoverableTimeout = value.uint32 ?? 0 }
                },
                adapterSetting("Pairable", .boolean, index, { .boolean($0.pairable) }) { core, value throws(DBusError) in
                    core.state.withLock { $0.adapters[index]?.pairable = value.bool ?? false }
                },
                adapterSetting("PairableTimeout", .uint32, index, { .uint32($0.pairableTimeout) }) { core, value throws(DBusError) in
                    core.state.withLock { $0.adapters[index]?.pairableTimeout = value.uint32 ?? 0 }
                },
                adapterProperty("Discovering", .boolean, index) { .boolean($0.discovering) },
                adapterProperty("UUIDs", stringArray, index) { .stringArray($0.uuids) },
                adapterProperty("Modalias", .string, index) { _ in .string(SimulatorCore.modalias) },
                adapterProperty("Roles", stringArray, index) { _ in .stringArray(["central", "peripheral"]) },
            ])
    }

    /// Powering off drops the adapter's links and discovery sessions; powering on is immediate.
    func setPowered(_ index: Int, _ powered: Bool) async {
        let (links, wasDiscovering) = state.withLock { state -> ([UInt64], Bool) in
            guard var adapter = state.adapters[index] else { return ([], false) }
            let wasDiscovering = adapter.discovering && !powered
            adapter.powered = powered
            if !powered { adapter.discoveryClients = [] }
            state.adapters[index] = adapter
            let links = powered ? [] : state.links.values.filter { $0.central == index || $0.peripheral == index }.map(\.id)
            return (links, wasDiscovering)
        }
        for id in links { await disconnect(link: id) }
        if wasDiscovering, let path = try? BlueZPath.adapter(index) {
            changed(["Discovering"], Self.adapterInterface, at: path)
        }
    }
}
