import DBus

extension SimulatorCore {
    /// How many advertising instances the simulated controller offers (5, as btvirt).
    static let supportedInstances = 5

    func advertisingManagerInterface(_ index: Int) -> DBusExportedInterface {
        let options = DBusType.dictionary(key: .string, value: .variant)
        let active: @Sendable (SimulatorCore) throws(DBusError) -> Int = { core throws(DBusError) in
            try core.adapter(index) { $0.advertisements.count }
        }
        return DBusExportedInterface(
            Self.advertisingManagerInterface,
            methods: [
                DBusExportedMethod("RegisterAdvertisement", inputs: [.init("advertisement", .objectPath), .init("options", options)]) {
                    [weak self] invocation throws(DBusError) in
                    guard let path = invocation.arguments[0].objectPath else { throw ErrorReply.invalidArguments() }
                    try await self?.registerAdvertisement(index, Registration(owner: invocation.sender ?? "", path: path))
                    return []
                },
                DBusExportedMethod("UnregisterAdvertisement", inputs: [.init("advertisement", .objectPath)]) {
                    [weak self] invocation throws(DBusError) in
                    guard let path = invocation.arguments[0].objectPath else { throw ErrorReply.invalidArguments() }
                    try self?.unregisterAdvertisement(index, Registration(owner: invocation.sender ?? "", path: path), release: true)
                    return []
                },
            ],
            properties: [
                DBusExportedProperty("ActiveInstances", type: .byte, get: { [weak self] _ throws(DBusError) in
                    guard let self else { throw DBusError(.unknownObject, message: "gone") }
                    return .byte(UInt8(try active(self)))
                }),
                DBusExportedProperty("SupportedInstances", type: .byte, get: { [weak self] _ throws(DBusError) in
                    guard let self else { throw DBusError(.unknownObject, message: "gone") }
                    return .byte(UInt8(Self.supportedInstances - (try active(self))))
                }),
                DBusExportedProperty("SupportedIncludes", type: .array(.string), get: { _ in .stringArray(["tx-power", "appearance", "local-name"]) }),
            ])
    }

    /// RegisterAdvertisement: reads the object's properties from its owner, validates them as
    /// advertising.c does (type, legacy 31-byte budget), then starts advertising.
    func registerAdvertisement(_ index: Int, _ registration: Registration) async throws(DBusError) {
        try state.withLock { (state) throws(DBusError) in
            guard let adapter = state.adapters[index] else { throw ErrorReply.notReady() }
            if adapter.advertisements.contains(where: { $0.registration == registration }) { throw ErrorReply.alreadyExists() }
            if adapter.advertisements.count >= Self.supportedInstances { throw ErrorReply.notPermitted("Maximum advertisements reached") }
        }
        let properties: [String: DBusValue]
        do throws(DBusError) {
            let reply = try await callClient(
                registration.owner, path: registration.path, interface: "org.freedesktop.DBus.Properties", member: "GetAll",
                body: [.string(Self.advertisementInterface)])
            guard let dictionary = try? reply.first?.propertyDictionary() else { throw ErrorReply.failed("Failed to parse advertisement.") }
            properties = dictionary
        } catch {
            throw ErrorReply.failed("Failed to parse advertisement.")
        }
        let advertisement = try RegisteredAdvertisement(properties: properties)
        try advertisement.validateLegacyBudget()
        try state.withLock { (state) throws(DBusError) in
            guard state.adapters[index] != nil else { throw ErrorReply.notReady() }
            if state.adapters[index]?.advertisements.contains(where: { $0.registration == registration }) == true { throw ErrorReply.alreadyExists() }
            state.adapters[index]?.advertisements.append((registration, advertisement))
        }
        changed(["ActiveInstances", "SupportedInstances"], Self.advertisingManagerInterface, at: try BlueZPath.adapter(index))
        broadcast(from: index)
    }

    /// UnregisterAdvertisement (or its owner leaving): stops advertising; `release` calls the
    /// object's Release as bluetoothd does when the client is still there.
    func unregisterAdvertisement(_ index: Int, _ registration: Registration, release: Bool) throws(DBusError) {
        let removed = state.withLock { state -> Bool in
            guard let position = state.adapters[index]?.advertisements.firstIndex(where: { $0.registration == registration }) else { return false }
            state.adapters[index]?.advertisements.remove(at: position)
            return true
        }
        guard removed else { throw ErrorReply.doesNotExist() }
        changed(["ActiveInstances", "SupportedInstances"], Self.advertisingManagerInterface, at: try BlueZPath.adapter(index))
        if release {
            let message = DBusMessage.methodCall(
                destination: registration.owner, path: registration.path, interface: Self.advertisementInterface, member: "Release")
            var oneWay = message
            oneWay.noReplyExpected = true
            _ = try? connection.send(oneWay)
        }
    }
}
