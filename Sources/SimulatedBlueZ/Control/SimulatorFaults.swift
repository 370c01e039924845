import DBus

/// Fault hooks of a running simulator, for reliability tests. Also reachable over D-Bus
/// through `io.smartsetup.Simulator1` (see README.md).
public struct SimulatorFaults: Sendable {
    let core: SimulatorCore

    /// Drops every link to or from the device with `address` (`00:AA:01:01:00:01`) now, as a
    /// supervision timeout would. Returns how many links went down.
    @discardableResult
    public func disconnect(address: String) async -> Int {
        let links = core.state.withLock { state in
            state.links.values.filter { $0.centralAddress.text == address || $0.peripheralAddress.text == address }.map(\.id)
        }
        for id in links { await core.disconnect(link: id) }
        return links.count
    }

    /// The next notification the simulator would relay is lost.
    public func dropNextNotification() {
        core.state.withLock { $0.notificationFaults.dropNext = true }
    }

    /// The next notification is delivered twice.
    public func duplicateNextNotification() {
        core.state.withLock { $0.notificationFaults.duplicateNext = true }
    }

    /// The next notification arrives `delay` late (later ones on that link queue behind it).
    public func delayNextNotification(by delay: Duration) {
        core.state.withLock { $0.notificationFaults.delayNext = delay }
    }

    /// Simulates bluetoothd restarting: every link drops, every object goes away, `org.bluez`
    /// is released and owned again with fresh adapters. Clients must register again.
    public func restartBluetoothd() async throws(DBusError) {
        let links = core.state.withLock { Array($0.links.keys) }
        for id in links { await core.disconnect(link: id) }
        core.dropBluetoothd()
        _ = try await core.connection.releaseName(SimulatorCore.busName)
        try core.registerBluetoothd()
        try await core.ownName()
    }

    /// Removes adapter `hci<index>` as unplugging it would: its links drop and its objects go
    /// away. Returns false when there is no such adapter.
    @discardableResult
    public func removeAdapter(_ index: Int) async -> Bool {
        let links = core.state.withLock { state in
            state.links.values.filter { $0.central == index || $0.peripheral == index }.map(\.id)
        }
        for id in links { await core.disconnect(link: id) }
        guard let adapter = core.state.withLock({ $0.adapters.removeValue(forKey: index) }),
            let adapterPath = try? BlueZPath.adapter(index)
        else { return false }
        for device in adapter.devices.values { core.unexport(device, on: index) }
        try? core.server.unregisterObject(at: adapterPath)
        return true
    }

    /// Plugs adapter `hci<index>` back in after ``removeAdapter(_:)``: a fresh controller with
    /// the same address, powered, knowing no device (InterfacesAdded, as bluetoothd announces a
    /// controller that appears). Returns false when it is there already or is not one of the
    /// configured adapters.
    @discardableResult
    public func addAdapter(_ index: Int) -> Bool {
        guard (0..<core.configuration.adapterCount).contains(index), core.state.withLock({ $0.adapters[index] == nil }) else { return false }
        do { try core.plugAdapter(index) } catch { return false }
        return true
    }
}
