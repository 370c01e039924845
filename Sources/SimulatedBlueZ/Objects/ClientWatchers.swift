import DBus

extension SimulatorCore {
    /// Subscribes (before anything is exported) to the two things bluetoothd watches on the
    /// bus: clients vanishing, and applications' characteristic Value changes.
    func startWatchers() async throws(DBusError) {
        let owners = try await connection.signals(matching: DBusMatchRule(
            sender: "org.freedesktop.DBus", interface: "org.freedesktop.DBus", member: "NameOwnerChanged"))
        let values = try await connection.signals(matching: DBusMatchRule(
            interface: "org.freedesktop.DBus.Properties", member: "PropertiesChanged",
            arguments: [0: RegisteredApplication.characteristicInterface]))
        spawn { [weak self] in
            do {
                for try await signal in owners {
                    guard signal.body.count == 3, let name = signal.body[0].string, name.hasPrefix(":"),
                        signal.body[2].string == ""
                    else { continue }
                    await self?.clientVanished(name)
                }
            } catch {}
        }
        spawn { [weak self] in
            do {
                for try await signal in values {
                    guard let self, let sender = signal.sender, let path = signal.path, signal.body.count >= 2,
                        let changed = try? signal.body[1].propertyDictionary(), let value = try? changed["Value"]?.bytes()
                    else { continue }
                    applicationValueChanged(owner: sender, path: path, value: value)
                }
            } catch {}
        }
    }

    /// A client left the bus: bluetoothd drops its discovery sessions and filters, its
    /// notification sessions, its applications and its advertisements, and its agent.
    func clientVanished(_ client: String) async {
        let adapters = state.withLock { Array($0.adapters.keys) }
        for index in adapters {
            try? stopDiscovery(index, client: client)
            let (applications, advertisements) = state.withLock { state -> ([DBusObjectPath], [DBusObjectPath]) in
                state.adapters[index]?.filters[client] = nil
                let applications = state.adapters[index]?.applications.filter { $0.owner == client }.map(\.root) ?? []
                let advertisements = state.adapters[index]?.advertisements.filter { $0.registration.owner == client }.map(\.registration.path) ?? []
                return (applications, advertisements)
            }
            for root in applications { try? unregisterApplication(index, Registration(owner: client, path: root)) }
            for path in advertisements { try? unregisterAdvertisement(index, Registration(owner: client, path: path), release: false) }
        }
        state.withLock { state in
            state.agents = state.agents.filter { $0.owner != client }
            for (adapter, adapterState) in state.adapters {
                for (address, device) in adapterState.devices {
                    for (index, sessions) in device.gatt?.notifySessions ?? [:] where sessions.contains(client) {
                        state.adapters[adapter]?.devices[address]?.gatt?.notifySessions[index]?.remove(client)
                    }
                }
            }
        }
    }
}
