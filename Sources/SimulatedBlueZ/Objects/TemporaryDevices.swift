import DBus

extension SimulatorCore {
    /// Records a sighting of a device that is not connected (an advertising report, the end of
    /// a link) and arms its expiry: after `temporaryTimeout` without a later sighting, an
    /// unpaired, disconnected device is removed, as bluetoothd removes temporary devices.
    func armExpiry(adapter: Int, address: BluetoothAddress) {
        guard let sighting = state.withLock({ state -> UInt64? in
            guard let device = state.adapters[adapter]?.devices[address], !device.connected, !device.connecting else { return nil }
            return state.sight(address, on: adapter)
        }) else { return }
        let timeout = configuration.temporaryTimeout
        spawn { [weak self] in
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled else { return }
            self?.expire(adapter: adapter, address: address, sighting: sighting)
        }
    }

    /// The expiry armed at `sighting` is due. A peer still advertising to a discovering adapter
    /// counts as seen again (the simulated radio sends no periodic reports, real ones would);
    /// otherwise the device goes unless something happened to it since.
    private func expire(adapter: Int, address: BluetoothAddress, sighting: UInt64) {
        if let peer = state.withLock({ $0.adapterIndex(of: address) }) {
            deliverAdvertisements(from: peer, to: adapter)
        }
        let expired = state.withLock { state -> DeviceState? in
            guard let device = state.adapters[adapter]?.devices[address], device.sighting == sighting,
                !device.connected, !device.connecting, !device.paired
            else { return nil }
            return state.adapters[adapter]?.devices.removeValue(forKey: address)
        }
        if let expired { unexport(expired, on: adapter) }
    }

    /// Removes a device's objects from the bus: its GATT objects children first, then the
    /// device (bluetoothd's order at RemoveDevice and at expiry).
    func unexport(_ device: DeviceState, on adapter: Int) {
        for path in device.gatt?.pathsChildrenFirst ?? [] { try? server.unregisterObject(at: path) }
        if let path = try? BlueZPath.device(adapter: adapter, address: device.address) { try? server.unregisterObject(at: path) }
    }
}
