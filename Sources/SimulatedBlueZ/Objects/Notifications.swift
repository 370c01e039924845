import DBus

extension SimulatorCore {
    /// StartNotify on the central: the first session writes the CCC (one round trip) and
    /// calls the application's StartNotify; Notifying turns true.
    func startNotify(link id: UInt64, index: Int, client: String) async throws(DBusError) {
        guard let link = state.withLock({ $0.links[id] }), index < link.database.attributes.count else { throw BlueZError.failed("Not connected") }
        let attribute = link.database.attributes[index]
        guard attribute.canNotify else { throw BlueZError.notSupported() }
        let first = try state.withLock { (state) throws(DBusError) -> Bool in
            var sessions = state.links[id]?.notifySessions[index] ?? []
            // bluetoothd 5.66 answers a second StartNotify of the same client with success.
            guard !sessions.contains(client) else { return false }
            let first = sessions.isEmpty
            sessions.insert(client)
            state.links[id]?.notifySessions[index] = sessions
            return first
        }
        guard first else { return }
        if case .application(let owner, let path) = attribute.backing {
            do throws(DBusError) {
                _ = try await callClient(owner, path: path, interface: GattApplication.characteristicInterface, member: "StartNotify")
            } catch {
                state.withLock { _ = $0.links[id]?.notifySessions[index]?.remove(client) }
                throw BlueZError.attError(ATTErrorCode.fromApplicationError(error.name, isWrite: true))
            }
        }
        try await writeClientConfiguration(link: id, interval: link.parameters.interval)
        if let path = state.withLock({ $0.remoteGatt(link: id)?.paths[index] }) {
            changed(["Notifying"], GattApplication.characteristicInterface, at: path)
        }
    }

    /// StopNotify on the central: the last session clears the CCC and calls the application's
    /// StopNotify; Notifying turns false.
    func stopNotify(link id: UInt64, index: Int, client: String) async throws(DBusError) {
        guard let link = state.withLock({ $0.links[id] }), index < link.database.attributes.count else {
            throw BlueZError.failed("No notify session started")
        }
        let last = try state.withLock { (state) throws(DBusError) -> Bool in
            guard var sessions = state.links[id]?.notifySessions[index], sessions.remove(client) != nil else {
                throw BlueZError.failed("No notify session started")
            }
            state.links[id]?.notifySessions[index] = sessions
            return sessions.isEmpty
        }
        guard last else { return }
        if case .application(let owner, let path) = link.database.attributes[index].backing {
            _ = try? await callClient(owner, path: path, interface: GattApplication.characteristicInterface, member: "StopNotify")
        }
        try await writeClientConfiguration(link: id, interval: link.parameters.interval)
        if let path = state.withLock({ $0.remoteGatt(link: id)?.paths[index] }) {
            changed(["Notifying"], GattApplication.characteristicInterface, at: path)
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
                    !(link.notifySessions[index] ?? []).isEmpty
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
