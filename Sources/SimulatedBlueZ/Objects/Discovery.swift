import DBus

extension SimulatorCore {
    /// Adapter1.StartDiscovery: one session per client; the first turns Discovering on.
    func startDiscovery(_ index: Int, client: String) async throws(DBusError) {
        let first = try state.withLock { (state) throws(DBusError) -> Bool in
            guard var adapter = state.adapters[index] else { throw ErrorReply.notReady() }
            guard adapter.powered else { throw ErrorReply.notReady() }
            guard !adapter.discoveryClients.contains(client) else { throw ErrorReply.busy() }
            let first = adapter.discoveryClients.isEmpty
            adapter.discoveryClients.insert(client)
            state.adapters[index] = adapter
            return first
        }
        if first { changed(["Discovering"], Self.adapterInterface, at: try BlueZPath.adapter(index)) }
        let interval = configuration.connectionInterval
        spawn { [weak self] in
            await self?.wait(intervals: 1, of: interval)
            self?.scan(central: index)
        }
    }

    /// Adapter1.StopDiscovery: ends this client's session; the last one turns Discovering off
    /// and invalidates the devices' RSSI, as bluetoothd does.
    func stopDiscovery(_ index: Int, client: String) throws(DBusError) {
        let (last, devices) = try state.withLock { (state) throws(DBusError) -> (Bool, [BluetoothAddress]) in
            guard var adapter = state.adapters[index] else { throw ErrorReply.notReady() }
            guard adapter.discoveryClients.remove(client) != nil else { throw ErrorReply.failed("No discovery started") }
            adapter.filters[client] = nil
            var devices: [BluetoothAddress] = []
            if !adapter.discovering {
                for (address, device) in adapter.devices where device.rssi != nil && !device.connected {
                    adapter.devices[address]?.rssi = nil
                    devices.append(address)
                }
            }
            state.adapters[index] = adapter
            return (!adapter.discovering, devices)
        }
        for address in devices {
            changed(["RSSI"], Self.deviceInterface, at: try BlueZPath.device(adapter: index, address: address))
        }
        if last { changed(["Discovering"], Self.adapterInterface, at: try BlueZPath.adapter(index)) }
    }

    /// Lets adapter `central`, if discovering, see the advertisements of every other powered
    /// adapter that its clients' merged filter accepts.
    func scan(central: Int) {
        let peers = state.withLock { state in state.adapters.keys.filter { $0 != central } }
        for peer in peers { deliverAdvertisements(from: peer, to: central) }
    }

    /// Lets every discovering adapter see `peripheral`'s advertisements.
    func broadcast(from peripheral: Int) {
        let centrals = state.withLock { state in state.adapters.values.filter { $0.discovering && $0.index != peripheral }.map(\.index) }
        for central in centrals { deliverAdvertisements(from: peripheral, to: central) }
    }

    /// Creates or updates the Device1 that `central` holds for `peripheral`'s advertisements.
    func deliverAdvertisements(from peripheral: Int, to central: Int) {
        let rssi = linkParameters(forPeripheral: peripheral).rssi
        enum Outcome { case none, created(BluetoothAddress), updated(BluetoothAddress, [String]) }
        let outcome = state.withLock { state -> Outcome in
            guard let scanner = state.adapters[central], scanner.discovering, scanner.powered,
                let advertiser = state.adapters[peripheral], advertiser.powered, !advertiser.advertisements.isEmpty
            else { return .none }
            var device = scanner.devices[advertiser.address] ?? DeviceState(address: advertiser.address)
            let before = device
            var uuids: [String] = []
            for (_, advertisement) in advertiser.advertisements {
                for uuid in advertisement.serviceUUIDs where !uuids.contains(uuid) { uuids.append(uuid) }
                device.manufacturerData.merge(advertisement.manufacturerData) { $1 }
                device.serviceData.merge(advertisement.serviceData) { $1 }
                if let name = advertisement.localName ?? (advertisement.includes.contains("local-name") ? advertiser.alias : nil), !device.connected {
                    device.name = name
                }
                if advertisement.includeTxPower { device.txPower = 0 }
            }
            device.uuids = Array(Set(device.uuids).union(uuids)).sorted()
            device.rssi = rssi
            guard ClientDiscoveryFilter.mergedAccepts(scanner.activeFilters, uuids: device.uuids, name: device.name, address: device.address, rssi: rssi) else {
                return .none
            }
            state.adapters[central]?.devices[device.address] = device
            if scanner.devices[advertiser.address] == nil { return .created(device.address) }
            var names: [String] = []
            if before.rssi != device.rssi { names.append("RSSI") }
            if before.name != device.name { names += ["Name", "Alias"] }
            if before.uuids != device.uuids { names.append("UUIDs") }
            if before.manufacturerData != device.manufacturerData { names.append("ManufacturerData") }
            if before.serviceData != device.serviceData { names.append("ServiceData") }
            if before.txPower != device.txPower { names.append("TxPower") }
            return .updated(device.address, names)
        }
        switch outcome {
        case .none: return
        case .created(let address):
            armExpiry(adapter: central, address: address)
            guard let path = try? BlueZPath.device(adapter: central, address: address) else { return }
            try? server.register([deviceInterface(adapter: central, address: address)], at: path)
        case .updated(let address, let names):
            armExpiry(adapter: central, address: address)
            guard !names.isEmpty, let path = try? BlueZPath.device(adapter: central, address: address) else { return }
            changed(names, Self.deviceInterface, at: path)
        }
    }

    /// Adapter1.RemoveDevice: disconnects, then removes the device's GATT objects and the device.
    func removeDevice(_ path: DBusObjectPath, from index: Int) async throws(DBusError) {
        let found = state.withLock { state -> (BluetoothAddress, UInt64?)? in
            guard let device = state.adapters[index]?.devices.values.first(where: {
                (try? BlueZPath.device(adapter: index, address: $0.address)) == path
            }) else { return nil }
            return (device.address, device.linkID)
        }
        guard let (address, linkID) = found else { throw ErrorReply.doesNotExist() }
        if let linkID { await disconnect(link: linkID, requestedByCentral: true) }
        if let device = state.withLock({ $0.adapters[index]?.devices.removeValue(forKey: address) }) {
            unexport(device, on: index)
        }
    }
}
