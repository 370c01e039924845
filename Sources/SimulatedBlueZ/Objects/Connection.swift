import DBus

extension SimulatorCore {
    /// Device1.Connect on adapter `central`: one interval to connect, the peripheral's Device1
    /// for the central appears, Connected turns true, the call returns; service discovery
    /// follows in the background and ends with ServicesResolved.
    func connect(central: Int, peripheralAddress: BluetoothAddress) async throws(DBusError) {
        enum Start { case connected, peer(Int?) }
        let start = try state.withLock { (state) throws(DBusError) -> Start in
            guard let adapter = state.adapters[central], adapter.powered else { throw ErrorReply.notReady() }
            guard let device = adapter.devices[peripheralAddress] else { throw ErrorReply.doesNotExist() }
            // bluetoothd 5.66 answers Connect on a connected LE device with success.
            if device.connected { return .connected }
            if device.connecting { throw ErrorReply.inProgress() }
            state.adapters[central]?.devices[peripheralAddress]?.connecting = true
            state.sight(peripheralAddress, on: central)
            guard let peer = state.adapterIndex(of: peripheralAddress), let peerAdapter = state.adapters[peer], peerAdapter.powered,
                peerAdapter.advertisements.contains(where: { $0.advertisement.kind == .peripheral })
            else { return .peer(nil) }
            return .peer(peer)
        }
        guard case .peer(let peripheral) = start else { return }
        let parameters = linkParameters(forPeripheral: peripheral ?? central)
        await wait(intervals: 1, of: parameters.interval)
        guard let peripheral else {
            state.withLock { $0.adapters[central]?.devices[peripheralAddress]?.connecting = false }
            armExpiry(adapter: central, address: peripheralAddress)
            throw ErrorReply.failed("le-connection-abort-by-local")
        }
        let made = state.withLock { state -> (link: LinkState, peerKnown: Bool)? in
            guard let centralAdapter = state.adapters[central], let peerAdapter = state.adapters[peripheral],
                centralAdapter.devices[peripheralAddress]?.connecting == true
            else {
                // The peer's adapter went away (or the attempt was ended) during the interval:
                // the attempt is over, so a later Connect tries again instead of "In Progress".
                state.adapters[central]?.devices[peripheralAddress]?.connecting = false
                return nil
            }
            let link = LinkState(
                id: state.nextLinkID, central: central, peripheral: peripheral, centralAddress: centralAdapter.address,
                peripheralAddress: peripheralAddress, parameters: parameters,
                database: GattDatabase(applications: peerAdapter.applications))
            state.nextLinkID += 1
            state.links[link.id] = link
            state.adapters[central]?.devices[peripheralAddress]?.connecting = false
            state.adapters[central]?.devices[peripheralAddress]?.connected = true
            state.adapters[central]?.devices[peripheralAddress]?.linkID = link.id
            // The peripheral's Device1 for the central: kept from an earlier link if it has not
            // expired yet, as bluetoothd keeps temporary devices.
            let known = state.adapters[peripheral]?.devices[centralAdapter.address]
            var peer = known ?? DeviceState(address: centralAdapter.address)
            peer.connected = true
            peer.linkID = link.id
            peer.name = centralAdapter.alias
            state.adapters[peripheral]?.devices[centralAdapter.address] = peer
            state.sight(centralAdapter.address, on: peripheral)
            return (link, known != nil)
        }
        guard let (link, peerKnown) = made else {
            armExpiry(adapter: central, address: peripheralAddress)
            throw ErrorReply.failed("le-connection-abort-by-local")
        }
        startNotificationQueue(link.id, interval: parameters.interval)
        let peerPath = try BlueZPath.device(adapter: peripheral, address: link.centralAddress)
        if peerKnown {
            changed(["Connected"], Self.deviceInterface, at: peerPath)
        } else {
            try? server.register([deviceInterface(adapter: peripheral, address: link.centralAddress)], at: peerPath)
        }
        changed(["Connected"], Self.deviceInterface, at: try BlueZPath.device(adapter: central, address: peripheralAddress))
        spawn { [weak self] in await self?.resolveServices(link: link.id) }
    }

    /// Discovers the peripheral's database (one round trip for the MTU exchange, one per
    /// service and one per characteristic), exports it, then sets ServicesResolved and the
    /// name read from GAP. Objects kept from an earlier link to the same database stay as they
    /// are (no InterfacesAdded); a changed database replaces them.
    func resolveServices(link id: UInt64) async {
        guard let link = state.withLock({ $0.links[id] }) else { return }
        let attributes = link.database.attributes
        let discoveries = 1 + attributes.filter { if case .characteristic = $0.kind { true } else if case .service = $0.kind { true } else { false } }.count
        await wait(intervals: discoveries, of: link.parameters.interval)
        guard let devicePath = try? BlueZPath.device(adapter: link.central, address: link.peripheralAddress) else { return }
        var paths: [Int: DBusObjectPath] = [:]
        for (index, attribute) in attributes.enumerated() {
            let parent = attribute.parent.flatMap { paths[$0] } ?? devicePath
            let prefix: String
            switch attribute.kind {
            case .service: prefix = "service"
            case .characteristic: prefix = "char"
            case .descriptor: prefix = "desc"
            }
            guard let path = try? BlueZPath.attribute(parent, prefix: prefix, handle: attribute.handle) else { continue }
            paths[index] = path
        }
        enum Export { case gone, kept, replacing(RemoteGatt?) }
        let (export, peerAlias) = state.withLock { state -> (Export, String?) in
            guard state.links[id] != nil, let device = state.adapters[link.central]?.devices[link.peripheralAddress] else { return (.gone, nil) }
            let alias = state.adapters[link.peripheral]?.alias
            if device.gatt?.database == link.database { return (.kept, alias) }
            state.adapters[link.central]?.devices[link.peripheralAddress]?.gatt = RemoteGatt(database: link.database, paths: paths)
            return (.replacing(device.gatt), alias)
        }
        switch export {
        case .gone: return
        case .kept: break
        case .replacing(let old):
            for path in old?.pathsChildrenFirst ?? [] { try? server.unregisterObject(at: path) }
            for (index, attribute) in attributes.enumerated() {
                guard let path = paths[index] else { continue }
                let parent = attribute.parent.flatMap { paths[$0] } ?? devicePath
                try? server.register([
                    remoteAttributeInterface(central: link.central, address: link.peripheralAddress, index: index, attribute: attribute, parent: parent)
                ], at: path)
            }
        }
        let resolved = state.withLock { state -> Bool in
            guard state.links[id] != nil else { return false }
            state.adapters[link.central]?.devices[link.peripheralAddress]?.servicesResolved = true
            let known = state.adapters[link.central]?.devices[link.peripheralAddress]?.uuids ?? []
            state.adapters[link.central]?.devices[link.peripheralAddress]?.uuids = Array(Set(known).union(link.database.serviceUUIDs)).sorted()
            return true
        }
        guard resolved else { return }
        var discoveryCost = ATTCounters()
        for _ in 0..<discoveries { discoveryCost.add(.roundTrip(request: 7, response: 20)) }
        state.withLock { $0.count(discoveryCost, on: id) }
        if case .kept = export { await resumeNotifications(link: id) }
        changed(["ServicesResolved", "UUIDs"], Self.deviceInterface, at: devicePath)
        state.withLock { state in
            state.adapters[link.central]?.devices[link.peripheralAddress]?.name = peerAlias
            state.adapters[link.central]?.devices[link.peripheralAddress]?.modalias = Self.modalias
        }
        changed(["Name", "Alias", "Modalias"], Self.deviceInterface, at: devicePath)
    }

    /// Tears a link down: ServicesResolved and Connected turn false on both sides (on the
    /// central, two signals when its own Disconnect asked, one otherwise), the devices and the
    /// central's GATT objects stay (no InterfacesRemoved) and start their temporary-device
    /// expiry; applications get StopNotify for characteristics no other connection has
    /// notifications enabled on, while the central's clients keep their sessions.
    func disconnect(link id: UInt64, requestedByCentral: Bool = false) async {
        guard let (link, stopped) = state.withLock({ state -> (LinkState, [(owner: String, path: DBusObjectPath)])? in
            let sessions = state.remoteGatt(link: id)?.notifySessions ?? [:]
            guard let link = state.links.removeValue(forKey: id) else { return nil }
            let stopped = sessions.compactMap { (index, clients) -> (owner: String, path: DBusObjectPath)? in
                guard !clients.isEmpty, index < link.database.attributes.count,
                    case .application(let owner, let path) = link.database.attributes[index].backing,
                    !state.hasNotificationSubscriber(owner: owner, path: path)
                else { return nil }
                return (owner, path)
            }
            state.adapters[link.central]?.devices[link.peripheralAddress]?.connected = false
            state.adapters[link.central]?.devices[link.peripheralAddress]?.connecting = false
            state.adapters[link.central]?.devices[link.peripheralAddress]?.servicesResolved = false
            state.adapters[link.central]?.devices[link.peripheralAddress]?.linkID = nil
            state.adapters[link.peripheral]?.devices[link.centralAddress]?.connected = false
            state.adapters[link.peripheral]?.devices[link.centralAddress]?.linkID = nil
            return (link, stopped)
        }) else { return }
        finishNotificationQueue(id)
        if let path = try? BlueZPath.device(adapter: link.central, address: link.peripheralAddress) {
            if requestedByCentral {
                changed(["ServicesResolved"], Self.deviceInterface, at: path)
                changed(["Connected"], Self.deviceInterface, at: path)
            } else {
                changed(["ServicesResolved", "Connected"], Self.deviceInterface, at: path)
            }
        }
        if let path = try? BlueZPath.device(adapter: link.peripheral, address: link.centralAddress) {
            changed(["ServicesResolved", "Connected"], Self.deviceInterface, at: path)
        }
        armExpiry(adapter: link.central, address: link.peripheralAddress)
        armExpiry(adapter: link.peripheral, address: link.centralAddress)
        // The peripheral's CCC state for this central goes with the link; the central keeps
        // its sessions (Notifying stays true) and enables them again on reconnection.
        for (owner, path) in stopped {
            _ = try? await callClient(owner, path: path, interface: RegisteredApplication.characteristicInterface, member: "StopNotify", timeout: .seconds(5))
        }
    }
}
