import DBus

extension SimulatorCore {
    /// StartNotify on the central for characteristic `index` of the database adapter
    /// `central` keeps for device `address`: the first session writes the CCC (one round trip)
    /// and calls the application's StartNotify; Notifying turns true. As gatt-client.c: a
    /// client that already has a session gets success while connected and InProgress while
    /// disconnected; anyone else gets Failed "Not connected" without a link.
    func startNotify(central: Int, address: BluetoothAddress, index: Int, client: String) async throws(DBusError) {
        enum Start { case joined, first(LinkState, GattAttribute) }
        let start = try state.withLock { (state) throws(DBusError) -> Start in
            guard let gatt = state.adapters[central]?.devices[address]?.gatt, index < gatt.database.attributes.count else {
                throw ErrorReply.failed("Not connected")
            }
            let attribute = gatt.database.attributes[index]
            guard attribute.canNotify else { throw ErrorReply.notSupported() }
            let link = state.gattLink(central: central, address: address)
            var sessions = gatt.notifySessions[index] ?? []
            if sessions.contains(client) {
                // bluetoothd 5.66 answers a second StartNotify of the same client with success,
                // and with InProgress while the session waits for a link.
                guard link != nil else { throw ErrorReply.inProgress() }
                return .joined
            }
            guard let link else { throw ErrorReply.failed("Not connected") }
            sessions.insert(client)
            state.adapters[central]?.devices[address]?.gatt?.notifySessions[index] = sessions
            return sessions.count == 1 ? .first(link, attribute) : .joined
        }
        guard case .first(let link, let attribute) = start else { return }
        if case .application(let owner, let path) = attribute.backing {
            do throws(DBusError) {
                _ = try await callClient(owner, path: path, interface: RegisteredApplication.characteristicInterface, member: "StartNotify")
            } catch {
                state.withLock { _ = $0.adapters[central]?.devices[address]?.gatt?.notifySessions[index]?.remove(client) }
                throw ErrorReply.attError(ATTErrorCode.fromApplicationError(error.name, isWrite: true))
            }
        }
        try await writeClientConfiguration(link: link.id, interval: link.parameters.interval)
        if let path = state.withLock({ $0.adapters[central]?.devices[address]?.gatt?.paths[index] }) {
            changed(["Notifying"], RegisteredApplication.characteristicInterface, at: path)
        }
    }

    /// StopNotify on the central: the caller's session ends, connected or not; the last one
    /// turns Notifying false and, over a link, clears the CCC; the application's StopNotify
    /// comes only when no other connection has notifications enabled on it.
    func stopNotify(central: Int, address: BluetoothAddress, index: Int, client: String) async throws(DBusError) {
        let (last, link, attribute, othersSubscribed) = try state.withLock {
            (state) throws(DBusError) -> (Bool, LinkState?, GattAttribute?, Bool) in
            guard let gatt = state.adapters[central]?.devices[address]?.gatt,
                var sessions = gatt.notifySessions[index], sessions.remove(client) != nil
            else { throw ErrorReply.failed("No notify session started") }
            state.adapters[central]?.devices[address]?.gatt?.notifySessions[index] = sessions
            let attribute = gatt.database.attributes[index]
            var othersSubscribed = false
            if case .application(let owner, let path) = attribute.backing {
                othersSubscribed = state.hasNotificationSubscriber(owner: owner, path: path)
            }
            return (sessions.isEmpty, state.gattLink(central: central, address: address), attribute, othersSubscribed)
        }
        guard last else { return }
        if let link {
            if case .application(let owner, let path) = attribute?.backing, !othersSubscribed {
                _ = try? await callClient(owner, path: path, interface: RegisteredApplication.characteristicInterface, member: "StopNotify")
            }
            try await writeClientConfiguration(link: link.id, interval: link.parameters.interval)
        }
        if let path = state.withLock({ $0.adapters[central]?.devices[address]?.gatt?.paths[index] }) {
            changed(["Notifying"], RegisteredApplication.characteristicInterface, at: path)
        }
    }

    /// On a reconnection to a kept database, the central's bluetoothd enables notifications
    /// again for every characteristic that still has sessions: a CCC write each, and the
    /// application's StartNotify. Notifying stays true (no signal).
    func resumeNotifications(link id: UInt64) async {
        let (link, indices) = state.withLock { state -> (LinkState?, [Int]) in
            let sessions = state.remoteGatt(link: id)?.notifySessions ?? [:]
            return (state.links[id], sessions.filter { !$0.value.isEmpty }.keys.sorted())
        }
        guard let link else { return }
        for index in indices {
            if case .application(let owner, let path) = link.database.attributes[index].backing {
                _ = try? await callClient(owner, path: path, interface: RegisteredApplication.characteristicInterface, member: "StartNotify", timeout: .seconds(5))
            }
            try? await writeClientConfiguration(link: id, interval: link.parameters.interval)
        }
    }

    /// The CCC write of StartNotify/StopNotify: one Write Request on the link's bearer.
    private func writeClientConfiguration(link id: UInt64, interval: Duration) async throws(DBusError) {
        try await exclusively(on: id) { () async throws(DBusError) in
            await wait(intervals: 1, of: interval)
            state.withLock { $0.count(.roundTrip(request: 5, response: 1), on: id) }
        }
    }

    /// An application announced a new Value on `path`: queue it on every link whose central
    /// has a notification session on that characteristic, applying the armed faults.
    func applicationValueChanged(owner: String, path: DBusObjectPath, value: [UInt8]) {
        let deliveries = state.withLock { state -> [(UInt64, NotificationDelivery)] in
            var deliveries: [(UInt64, NotificationDelivery)] = []
            for link in state.links.values {
                guard let index = link.database.attributes.firstIndex(where: { $0.backing == .application(owner: owner, path: path) }),
                    !(state.remoteGatt(link: link.id)?.notifySessions[index] ?? []).isEmpty
                else { continue }
                let truncated = Array(value.prefix(Int(link.parameters.mtu) - 3))
                var faults = state.notificationFaults
                state.notificationFaults = NotificationFaults()
                if faults.dropNext { continue }
                let delivery = NotificationDelivery(attribute: index, value: truncated, extraDelay: faults.delayNext)
                deliveries.append((link.id, delivery))
                if faults.duplicateNext {
                    faults.duplicateNext = false
                    deliveries.append((link.id, NotificationDelivery(attribute: index, value: truncated, extraDelay: nil)))
                }
            }
            return deliveries
        }
        notificationQueues.withLock { queues in
            for (id, delivery) in deliveries { queues[id]?.yield(delivery) }
        }
    }

    /// Starts the task that delivers a link's notifications in order, one interval each.
    func startNotificationQueue(_ id: UInt64, interval: Duration) {
        let (stream, continuation) = AsyncStream.makeStream(of: NotificationDelivery.self)
        notificationQueues.withLock { $0[id] = continuation }
        spawn { [weak self] in
            for await delivery in stream {
                guard let self else { return }
                if let extra = delivery.extraDelay { try? await Task.sleep(for: extra) }
                await wait(intervals: 1, of: interval)
                let indication = state.withLock { $0.links[id]?.database.attributes[delivery.attribute].flags.contains("notify") == false }
                let cost: ATTCounters = indication
                    ? .roundTrip(request: 1, response: 3 + delivery.value.count)
                    : .unacknowledged(bytes: 3 + delivery.value.count, fromCentral: false)
                state.withLock { $0.count(cost, on: id) }
                updateValue(link: id, index: delivery.attribute, offset: 0, value: delivery.value)
            }
        }
    }

    func finishNotificationQueue(_ id: UInt64) {
        notificationQueues.withLock { $0.removeValue(forKey: id) }?.finish()
    }
}
