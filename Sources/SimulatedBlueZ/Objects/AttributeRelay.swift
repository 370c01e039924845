import DBus

extension SimulatorCore {
    /// The longest attribute value ATT allows.
    static let maximumValueLength = 512

    /// The options bluetoothd passes to an application's ReadValue/WriteValue.
    private func serverOptions(_ link: LinkState, offset: UInt16) -> DBusValue {
        var options: [String: DBusValue] = ["link": .string("LE"), "mtu": .uint16(link.parameters.mtu)]
        if let device = try? BlueZPath.device(adapter: link.peripheral, address: link.centralAddress) {
            options["device"] = .objectPath(device)
        }
        if offset > 0 { options["offset"] = .uint16(offset) }
        return .propertyDictionary(options)
    }

    private func context(_ id: UInt64, _ index: Int) throws(DBusError) -> (LinkState, GattAttribute) {
        guard let link = state.withLock({ $0.links[id] }), index < link.database.attributes.count else {
            throw ErrorReply.failed("Not connected")
        }
        return (link, link.database.attributes[index])
    }

    /// Runs `body` as the link's one outstanding ATT request.
    func exclusively<T: Sendable>(on id: UInt64, _ body: () async throws(DBusError) -> T) async throws(DBusError) -> T {
        guard let bearer = state.withLock({ $0.links[id]?.bearer }) else { throw ErrorReply.failed("Not connected") }
        await bearer.acquire()
        defer { bearer.release() }
        return try await body()
    }

    /// ReadValue on the central: a Read Request, then Read Blob Requests while the response
    /// fills the MTU, each relayed to the application with its offset.
    func read(link id: UInt64, index: Int, options: DBusValue) async throws(DBusError) -> [UInt8] {
        try await exclusively(on: id) { () async throws(DBusError) -> [UInt8] in try await readRequests(link: id, index: index, options: options) }
    }

    private func readRequests(link id: UInt64, index: Int, options: DBusValue) async throws(DBusError) -> [UInt8] {
        let (link, attribute) = try context(id, index)
        let requested = (try? options.propertyDictionary()["offset"]?.uint16) ?? 0
        if case .characteristic = attribute.kind, !attribute.flags.contains(where: { $0.hasSuffix("read") }) {
            throw ErrorReply.attError(ATTErrorCode.readNotPermitted)
        }
        let chunk = Int(link.parameters.mtu) - 1
        var offset = Int(requested)
        var value: [UInt8] = []
        while true {
            let part: [UInt8]
            switch attribute.backing {
            case .constant(let bytes): part = offset <= bytes.count ? Array(bytes[offset...]) : []
            case .clientConfiguration:
                let sessions = state.withLock { $0.remoteGatt(link: link.id)?.notifySessions[attribute.parent ?? -1] ?? [] }
                part = offset == 0 ? [sessions.isEmpty ? 0 : 1, 0] : []
            case .application(let owner, let path):
                let interface = attribute.kind == .descriptor ? RegisteredApplication.descriptorInterface : RegisteredApplication.characteristicInterface
                do throws(DBusError) {
                    let reply = try await callClient(owner, path: path, interface: interface, member: "ReadValue", body: [serverOptions(link, offset: UInt16(offset))])
                    guard let bytes = try? reply.first?.bytes() else { throw ErrorReply.attError(ATTErrorCode.unlikelyError) }
                    part = bytes
                } catch {
                    throw ErrorReply.attError(ATTErrorCode.fromApplicationError(error.name, isWrite: false))
                }
            }
            let sent = Array(part.prefix(chunk))
            await wait(intervals: 1, of: link.parameters.interval)
            state.withLock { $0.count(.roundTrip(request: offset == Int(requested) ? 3 : 5, response: 1 + sent.count), on: id) }
            value += sent
            offset += sent.count
            if sent.count < chunk || value.count >= Self.maximumValueLength { break }
        }
        updateValue(link: id, index: index, offset: Int(requested), value: value)
        return value
    }

    /// WriteValue on the central: a Write Request (Prepare/Execute Writes past MTU-3), a
    /// Write Command, or a reliable write, relayed to the application as one WriteValue.
    func write(link id: UInt64, index: Int, value: [UInt8], options: DBusValue) async throws(DBusError) {
        try await exclusively(on: id) { () async throws(DBusError) in try await writeRequests(link: id, index: index, value: value, options: options) }
    }

    private func writeRequests(link id: UInt64, index: Int, value: [UInt8], options: DBusValue) async throws(DBusError) {
        let (link, attribute) = try context(id, index)
        let optionValues = (try? options.propertyDictionary()) ?? [:]
        let offset = optionValues["offset"]?.uint16 ?? 0
        let type = optionValues["type"]?.string
        let flags = attribute.flags
        let isCommand: Bool
        switch type {
        case "command":
            guard flags.contains("write-without-response") else { throw ErrorReply.notSupported() }
            isCommand = true
        case "request", "reliable":
            guard flags.contains(where: { $0.hasSuffix("write") || $0 == "reliable-write" }) || attribute.kind == .descriptor else {
                throw ErrorReply.notSupported()
            }
            isCommand = false
        case nil:
            if attribute.kind == .descriptor || flags.contains(where: { $0.hasSuffix("write") }) {
                isCommand = false
            } else if flags.contains("write-without-response") {
                isCommand = true
            } else {
                throw ErrorReply.notSupported()
            }
        default:
            throw ErrorReply.notSupported()
        }
        let mtu = Int(link.parameters.mtu)
        if isCommand, value.count > mtu - 3 { throw ErrorReply.failed("Failed to initiate write") }
        guard value.count + Int(offset) <= Self.maximumValueLength else { throw ErrorReply.attError(ATTErrorCode.invalidAttributeValueLength) }
        if case .clientConfiguration = attribute.backing { throw ErrorReply.notPermitted("Write not permitted") }
        if case .application(let owner, let path) = attribute.backing {
            let interface = attribute.kind == .descriptor ? RegisteredApplication.descriptorInterface : RegisteredApplication.characteristicInterface
            do throws(DBusError) {
                _ = try await callClient(owner, path: path, interface: interface, member: "WriteValue", body: [.bytes(value), serverOptions(link, offset: offset)])
            } catch {
                guard !isCommand else { return }
                throw ErrorReply.attError(ATTErrorCode.fromApplicationError(error.name, isWrite: true))
            }
        }
        var cost = ATTCounters()
        var rounds = 1
        if isCommand {
            cost = .unacknowledged(bytes: 3 + value.count, fromCentral: true)
        } else if value.count <= mtu - 3 && type != "reliable" {
            cost = .roundTrip(request: 3 + value.count, response: 1)
        } else {
            let piece = mtu - 5
            var sent = 0
            rounds = 0
            repeat {
                let size = min(piece, value.count - sent)
                cost.add(.roundTrip(request: 5 + size, response: 5 + size))
                sent += size
                rounds += 1
            } while sent < value.count
            cost.add(.roundTrip(request: 2, response: 1))
            rounds += 1
        }
        await wait(intervals: rounds, of: link.parameters.interval)
        state.withLock { $0.count(cost, on: id) }
    }

    /// Stores a read (or notified) value as the central's Value property and announces it.
    func updateValue(link id: UInt64, index: Int, offset: Int, value: [UInt8]) {
        let path = state.withLock { state -> DBusObjectPath? in
            guard let link = state.links[id], var gatt = state.adapters[link.central]?.devices[link.peripheralAddress]?.gatt,
                gatt.database == link.database
            else { return nil }
            let old = gatt.values[index] ?? []
            gatt.values[index] = offset > 0 ? Array(old.prefix(offset)) + value : value
            state.adapters[link.central]?.devices[link.peripheralAddress]?.gatt = gatt
            return gatt.paths[index]
        }
        guard let path else { return }
        let interface = state.withLock { $0.links[id]?.database.attributes[index].kind } == .descriptor
            ? RegisteredApplication.descriptorInterface : RegisteredApplication.characteristicInterface
        changed(["Value"], interface, at: path)
    }
}
