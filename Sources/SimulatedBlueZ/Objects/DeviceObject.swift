import DBus

extension SimulatorCore {
    func device<T: Sendable>(_ adapter: Int, _ address: BluetoothAddress, _ read: (DeviceState) -> T?) throws(DBusError) -> T {
        guard let value = state.withLock({ state in state.adapters[adapter]?.devices[address].flatMap(read) }) else {
            throw DBusError(.unknownProperty, message: "not present")
        }
        return value
    }

    /// Device1 of `address` as adapter `adapter` sees it; absent optional properties are hidden.
    func deviceInterface(adapter: Int, address: BluetoothAddress) -> DBusExportedInterface {
        func property(_ name: String, _ type: DBusType, _ read: @escaping @Sendable (DeviceState) -> DBusValue?) -> DBusExportedProperty {
            DBusExportedProperty(name, type: type, get: { [weak self] _ throws(DBusError) in
                guard let self else { throw DBusError(.unknownObject, message: "gone") }
                return try device(adapter, address, read)
            })
        }
        func flag(_ name: String, _ keyPath: WritableKeyPath<DeviceState, Bool> & Sendable, writable: Bool = false) -> DBusExportedProperty {
            var exported = property(name, .boolean) { .boolean($0[keyPath: keyPath]) }
            if writable {
                exported.setter = { [weak self] _, value throws(DBusError) in
                    self?.state.withLock { $0.adapters[adapter]?.devices[address]?[keyPath: keyPath] = value.bool ?? false }
                }
            }
            return exported
        }
        var alias = property("Alias", .string) { .string($0.alias ?? $0.name ?? $0.address.dashed) }
        alias.setter = { [weak self] _, value throws(DBusError) in
            let text = value.string ?? ""
            self?.state.withLock { $0.adapters[adapter]?.devices[address]?.alias = text.isEmpty ? nil : text }
        }
        let adapterPath = (try? BlueZPath.adapter(adapter)) ?? .root
        return DBusExportedInterface(
            Self.deviceInterface,
            methods: [
                DBusExportedMethod("Connect") { [weak self] _ throws(DBusError) in
                    try await self?.connect(central: adapter, peripheralAddress: address)
                    return []
                },
                DBusExportedMethod("Disconnect") { [weak self] _ throws(DBusError) in
                    guard let self else { return [] }
                    guard let link = state.withLock({ $0.adapters[adapter]?.devices[address]?.linkID }) else {
                        throw ErrorReply.notConnected()
                    }
                    await disconnect(link: link, requestedByCentral: true)
                    return []
                },
                DBusExportedMethod("Pair") { [weak self] _ throws(DBusError) in
                    guard let self else { return [] }
                    let already = try state.withLock { (state) throws(DBusError) -> Bool in
                        guard let device = state.adapters[adapter]?.devices[address] else { throw ErrorReply.doesNotExist() }
                        state.adapters[adapter]?.devices[address]?.paired = true
                        return device.paired
                    }
                    guard !already else { throw ErrorReply.alreadyExists() }
                    changed(["Paired", "Bonded"], Self.deviceInterface, at: try BlueZPath.device(adapter: adapter, address: address))
                    return []
                },
                DBusExportedMethod("CancelPairing") { _ throws(DBusError) in throw ErrorReply.doesNotExist() },
                DBusExportedMethod("ConnectProfile", inputs: [.init("UUID", .string)]) { _ throws(DBusError) in throw ErrorReply.notSupported() },
                DBusExportedMethod("DisconnectProfile", inputs: [.init("UUID", .string)]) { _ throws(DBusError) in throw ErrorReply.notSupported() },
            ],
            properties: [
                property("Address", .string) { .string($0.address.text) },
                property("AddressType", .string) { _ in .string("public") },
                property("Name", .string) { $0.name.map(DBusValue.string) },
                alias,
                flag("Paired", \.paired),
                flag("Bonded", \.paired),
                flag("Trusted", \.trusted, writable: true),
                flag("Blocked", \.blocked, writable: true),
                property("LegacyPairing", .boolean) { _ in .boolean(false) },
                property("RSSI", .int16) { $0.rssi.map(DBusValue.int16) },
                property("TxPower", .int16) { $0.txPower.map(DBusValue.int16) },
                flag("Connected", \.connected),
                property("UUIDs", .array(.string)) { .stringArray($0.uuids) },
                property("Modalias", .string) { $0.modalias.map(DBusValue.string) },
                property("Adapter", .objectPath) { _ in .objectPath(adapterPath) },
                property("ManufacturerData", .dictionary(key: .uint16, value: .variant)) { device in
                    device.manufacturerData.isEmpty ? nil : .uint16VariantDictionary(device.manufacturerData.mapValues { .bytes($0) })
                },
                property("ServiceData", .dictionary(key: .string, value: .variant)) { device in
                    device.serviceData.isEmpty ? nil : .propertyDictionary(device.serviceData.mapValues { .bytes($0) })
                },
                flag("ServicesResolved", \.servicesResolved),
            ])
    }
}
