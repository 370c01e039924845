import DBus

extension SimulatorCore {
    /// GattService1 / GattCharacteristic1 / GattDescriptor1 of one attribute of a link, as
    /// gatt-client.c exports them on the central.
    func remoteAttributeInterface(link id: UInt64, index: Int, attribute: GattAttribute, parent: DBusObjectPath) -> DBusExportedInterface {
        let options = DBusType.dictionary(key: .string, value: .variant)
        let value = DBusExportedProperty("Value", type: .array(.byte), get: { [weak self] _ throws(DBusError) in
            guard let self, let link = state.withLock({ $0.links[id] }) else { throw DBusError(.unknownObject, message: "gone") }
            return .bytes(link.values[index] ?? [])
        })
        let uuid = DBusExportedProperty("UUID", type: .string, emitsChanged: .constant, get: { _ in .string(attribute.uuid) })
        switch attribute.kind {
        case .service(let primary):
            let devicePath = parent
            return DBusExportedInterface(GattApplication.serviceInterface, properties: [
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
                    guard let self, let link = state.withLock({ $0.links[id] }) else { throw DBusError(.unknownObject, message: "gone") }
                    return .uint16(link.parameters.mtu)
                }),
            ]
            if attribute.canNotify {
                properties.append(DBusExportedProperty("Notifying", type: .boolean, get: { [weak self] _ throws(DBusError) in
                    guard let self, let link = state.withLock({ $0.links[id] }) else { throw DBusError(.unknownObject, message: "gone") }
                    return .boolean(!(link.notifySessions[index] ?? []).isEmpty)
                }))
            }
            if attribute.flags.contains("write-without-response") {
                properties.append(DBusExportedProperty("WriteAcquired", type: .boolean, get: { _ in .boolean(false) }))
            }
            if attribute.flags.contains("notify") {
                properties.append(DBusExportedProperty("NotifyAcquired", type: .boolean, get: { _ in .boolean(false) }))
            }
            return DBusExportedInterface(GattApplication.characteristicInterface, methods: valueMethods(link: id, index: index) + [
                DBusExportedMethod("StartNotify") { [weak self] invocation throws(DBusError) in
                    try await self?.startNotify(link: id, index: index, client: invocation.sender ?? "")
                    return []
                },
                DBusExportedMethod("StopNotify") { [weak self] invocation throws(DBusError) in
                    try await self?.stopNotify(link: id, index: index, client: invocation.sender ?? "")
                    return []
                },
                DBusExportedMethod("AcquireWrite", inputs: [.init("options", options)], outputs: [.init("fd", .unixFD), .init("mtu", .uint16)]) {
                    _ throws(DBusError) in throw BlueZError.notSupported()
                },
                DBusExportedMethod("AcquireNotify", inputs: [.init("options", options)], outputs: [.init("fd", .unixFD), .init("mtu", .uint16)]) {
                    _ throws(DBusError) in throw BlueZError.notSupported()
                },
            ], properties: properties)
        case .descriptor:
            return DBusExportedInterface(GattApplication.descriptorInterface, methods: valueMethods(link: id, index: index), properties: [
                uuid,
                DBusExportedProperty("Characteristic", type: .objectPath, emitsChanged: .constant, get: { _ in .objectPath(parent) }),
                value,
            ])
        }
    }

    /// ReadValue and WriteValue of a characteristic or descriptor, relayed over the link.
    private func valueMethods(link id: UInt64, index: Int) -> [DBusExportedMethod] {
        let options = DBusType.dictionary(key: .string, value: .variant)
        return [
            DBusExportedMethod("ReadValue", inputs: [.init("options", options)], outputs: [.init("value", .array(.byte))]) {
                [weak self] invocation throws(DBusError) in
                guard let self else { return [.bytes([])] }
                return [.bytes(try await read(link: id, index: index, options: invocation.arguments[0]))]
            },
            DBusExportedMethod("WriteValue", inputs: [.init("value", .array(.byte)), .init("options", options)]) {
                [weak self] invocation throws(DBusError) in
                guard let bytes = try? invocation.arguments[0].bytes() else { throw BlueZError.invalidArguments() }
                try await self?.write(link: id, index: index, value: bytes, options: invocation.arguments[1])
                return []
            },
        ]
    }
}
