import DBus

extension SimulatorCore {
    /// GattService1 / GattCharacteristic1 / GattDescriptor1 of one attribute of the database
    /// adapter `central` exports for the device `address`, as gatt-client.c exports them. The
    /// objects belong to the device, not to a link: calls go over the device's current link
    /// and fail with Failed "Not connected" without one, and MTU is absent then.
    func remoteAttributeInterface(
        central: Int, address: BluetoothAddress, index: Int, attribute: GattAttribute, parent: DBusObjectPath
    ) -> DBusExportedInterface {
        let options = DBusType.dictionary(key: .string, value: .variant)
        let value = DBusExportedProperty("Value", type: .array(.byte), get: { [weak self] _ throws(DBusError) in
            guard let self, let gatt = state.withLock({ $0.adapters[central]?.devices[address]?.gatt }) else {
                throw DBusError(.unknownObject, message: "gone")
            }
            return .bytes(gatt.values[index] ?? [])
        })
        let uuid = DBusExportedProperty("UUID", type: .string, emitsChanged: .constant, get: { _ in .string(attribute.uuid) })
        switch attribute.kind {
        case .service(let primary):
            let devicePath = parent
            return DBusExportedInterface(RegisteredApplication.serviceInterface, properties: [
                uuid,
                DBusExportedProperty("Device", type: .objectPath, emitsChanged: .constant, get: { _ in .objectPath(devicePath) }),
                DBusExportedProperty("Primary", type: .boolean, emitsChanged: .constant, get: { _ in .boolean(primary) }),
                DBusExportedProperty("Includes", type: .array(.objectPath), emitsChanged: .constant, get: { _ in .objectPathArray([]) }),
            ])
        case .characteristic:
            var properties = [
                uuid,
                DBusExportedProperty("Service", type: .objectPath, emitsChanged: .constant, get: { _ in .objectPath(parent) }),
                value,
                DBusExportedProperty("Flags", type: .array(.string), emitsChanged: .constant, get: { _ in .stringArray(attribute.flags) }),
                DBusExportedProperty("MTU", type: .uint16, get: { [weak self] _ throws(DBusError) in
                    guard let self, let link = try? currentLink(central: central, address: address) else {
                        throw DBusError(.invalidArguments, message: "No such property 'MTU'")
                    }
                    return .uint16(link.parameters.mtu)
                }),
            ]
            if attribute.canNotify {
                properties.append(DBusExportedProperty("Notifying", type: .boolean, get: { [weak self] _ throws(DBusError) in
                    guard let self else { throw DBusError(.unknownObject, message: "gone") }
                    let sessions = state.withLock { $0.adapters[central]?.devices[address]?.gatt?.notifySessions[index] ?? [] }
                    return .boolean(!sessions.isEmpty)
                }))
            }
            if attribute.flags.contains("write-without-response") {
                properties.append(DBusExportedProperty("WriteAcquired", type: .boolean, get: { _ in .boolean(false) }))
            }
            if attribute.flags.contains("notify") {
                properties.append(DBusExportedProperty("NotifyAcquired", type: .boolean, get: { _ in .boolean(false) }))
            }
            return DBusExportedInterface(RegisteredApplication.characteristicInterface, methods: valueMethods(central: central, address: address, index: index) + [
                DBusExportedMethod("StartNotify") { [weak self] invocation throws(DBusError) in
                    guard let self else { return [] }
                    try await startNotify(central: central, address: address, index: index, client: invocation.sender ?? "")
                    return []
                },
                DBusExportedMethod("StopNotify") { [weak self] invocation throws(DBusError) in
                    guard let self else { return [] }
                    try await stopNotify(central: central, address: address, index: index, client: invocation.sender ?? "")
                    return []
                },
                DBusExportedMethod("AcquireWrite", inputs: [.init("options", options)], outputs: [.init("fd", .unixFD), .init("mtu", .uint16)]) {
                    _ throws(DBusError) in throw ErrorReply.notSupported()
                },
                DBusExportedMethod("AcquireNotify", inputs: [.init("options", options)], outputs: [.init("fd", .unixFD), .init("mtu", .uint16)]) {
                    _ throws(DBusError) in throw ErrorReply.notSupported()
                },
            ], properties: properties)
        case .descriptor:
            return DBusExportedInterface(RegisteredApplication.descriptorInterface, methods: valueMethods(central: central, address: address, index: index), properties: [
                uuid,
                DBusExportedProperty("Characteristic", type: .objectPath, emitsChanged: .constant, get: { _ in .objectPath(parent) }),
                value,
            ])
        }
    }

    /// The device's current link, if it is connected over one with the database its objects
    /// were exported from; Failed "Not connected" otherwise, as gatt-client.c answers.
    private func currentLink(central: Int, address: BluetoothAddress) throws(DBusError) -> LinkState {
        guard let link = state.withLock({ $0.gattLink(central: central, address: address) }) else { throw ErrorReply.failed("Not connected") }
        return link
    }

    /// ReadValue and WriteValue of a characteristic or descriptor, relayed over the device's
    /// current link.
    private func valueMethods(central: Int, address: BluetoothAddress, index: Int) -> [DBusExportedMethod] {
        let options = DBusType.dictionary(key: .string, value: .variant)
        return [
            DBusExportedMethod("ReadValue", inputs: [.init("options", options)], outputs: [.init("value", .array(.byte))]) {
                [weak self] invocation throws(DBusError) in
                guard let self else { return [.bytes([])] }
                let id = try currentLink(central: central, address: address).id
                return [.bytes(try await read(link: id, index: index, options: invocation.arguments[0]))]
            },
            DBusExportedMethod("WriteValue", inputs: [.init("value", .array(.byte)), .init("options", options)]) {
                [weak self] invocation throws(DBusError) in
                guard let bytes = try? invocation.arguments[0].bytes() else { throw ErrorReply.invalidArguments() }
                guard let self else { return [] }
                try await write(link: try currentLink(central: central, address: address).id, index: index, value: bytes, options: invocation.arguments[1])
                return []
            },
        ]
    }
}
