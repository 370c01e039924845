import DBus

extension SimulatorCore {
    static let controlInterfaceName = SimulatedBlueZ.controlInterfaceName
    static let controlPathText = SimulatedBlueZ.controlPathText

    /// `io.smartsetup.Simulator1`: the fault hooks and counters over D-Bus (`smartsetup sim`).
    func controlInterface() -> DBusExportedInterface {
        let faults = SimulatorFaults(core: self)
        let dictionary = DBusType.dictionary(key: .string, value: .variant)
        return DBusExportedInterface(
            Self.controlInterfaceName,
            methods: [
                DBusExportedMethod("Disconnect", inputs: [.init("address", .string)], outputs: [.init("links", .uint32)]) { invocation in
                    [.uint32(UInt32(await faults.disconnect(address: invocation.arguments[0].string ?? "")))]
                },
                DBusExportedMethod("DropNextNotification") { _ in faults.dropNextNotification(); return [] },
                DBusExportedMethod("DuplicateNextNotification") { _ in faults.duplicateNextNotification(); return [] },
                DBusExportedMethod("DelayNextNotification", inputs: [.init("milliseconds", .uint32)]) { invocation in
                    faults.delayNextNotification(by: .milliseconds(Int(invocation.arguments[0].uint32 ?? 0)))
                    return []
                },
                DBusExportedMethod("RestartBluetoothd") { _ throws(DBusError) in
                    try await faults.restartBluetoothd()
                    return []
                },
                DBusExportedMethod("RemoveAdapter", inputs: [.init("adapter", .string)]) { invocation throws(DBusError) in
                    guard let name = invocation.arguments[0].string, name.hasPrefix("hci"), let index = Int(name.dropFirst(3)),
                        await faults.removeAdapter(index)
                    else { throw DBusError(.invalidArguments, message: "no such adapter") }
                    return []
                },
                DBusExportedMethod("AddAdapter", inputs: [.init("adapter", .string)]) { invocation throws(DBusError) in
                    guard let name = invocation.arguments[0].string, name.hasPrefix("hci"), let index = Int(name.dropFirst(3)),
                        faults.addAdapter(index)
                    else { throw DBusError(.invalidArguments, message: "no such adapter, or it is already there") }
                    return []
                },
                DBusExportedMethod("GetCounters", outputs: [.init("total", dictionary), .init("links", .dictionary(key: .string, value: dictionary))]) {
                    [weak self] _ in
                    guard let snapshot = self?.countersSnapshot() else { return [.propertyDictionary([:]), .dictionary(key: .string, value: dictionary, entries: [])] }
                    let links = snapshot.links.map { link in
                        var values = Self.counterDictionary(link.counters)
                        values["MTU"] = .uint16(link.parameters.mtu)
                        values["CentralAddress"] = .string(link.centralAddress)
                        values["PeripheralAddress"] = .string(link.peripheralAddress)
                        values["IntervalMicroseconds"] = .uint64(UInt64(link.parameters.interval / .microseconds(1)))
                        return DBusDictionaryEntry(key: .string(link.central + "-" + link.peripheral), value: .propertyDictionary(values))
                    }
                    return [.propertyDictionary(Self.counterDictionary(snapshot.total)), .dictionary(key: .string, value: dictionary, entries: links)]
                },
            ])
    }

    static func counterDictionary(_ counters: ATTCounters) -> [String: DBusValue] {
        [
            "Operations": .uint64(counters.operations), "RoundTrips": .uint64(counters.roundTrips),
            "WithoutResponse": .uint64(counters.withoutResponse), "BytesFromCentral": .uint64(counters.bytesFromCentral),
            "BytesFromPeripheral": .uint64(counters.bytesFromPeripheral),
        ]
    }
}
