import DBus
import SetupCentral

extension JobManager {
    /// `StartDiscovery` from `owner`: one more share.
    func startDiscovery(owner: String) throws(DBusError) {
        try state.withLock { (state) throws(DBusError) in
            guard !state.stopping else { throw ServiceNames.error(ServiceNames.ErrorName.shuttingDown, "the service is stopping") }
            state.shares[owner, default: 0] += 1
        }
        discoveryChanged()
    }

    /// `StopDiscovery` from `owner`: one share less.
    func stopDiscovery(owner: String) throws(DBusError) {
        try state.withLock { (state) throws(DBusError) in
            guard let shares = state.shares[owner], shares > 0 else {
                throw ServiceNames.error(ServiceNames.ErrorName.notDiscovering, "this connection holds no discovery share")
            }
            state.shares[owner] = shares > 1 ? shares - 1 : nil
        }
        discoveryChanged()
    }

    /// Starts or stops the discovery rounds after the shares changed.
    func discoveryChanged() {
        let (start, generation, changed) = state.withLock { state -> (Bool, Int, Bool) in
            let wanted = !state.shares.isEmpty
            let running = state.discoveryGeneration % 2 == 1
            guard wanted != running else { return (false, state.discoveryGeneration, false) }
            state.discoveryGeneration += 1
            return (wanted, state.discoveryGeneration, true)
        }
        guard changed else { return }
        managerChanged(["Discovering"])
        logger.info(start ? "discovery started" : "discovery stopped")
        if start { work.yield { [self] in await discover(generation: generation) } }
    }

    private func isCurrent(_ generation: Int) -> Bool { state.withLock { $0.discoveryGeneration == generation } }

    /// Scans every adapter in rounds while this generation of discovery lasts, then keeps
    /// removing printers no longer heard until none is left.
    private func discover(generation: Int) async {
        var radios: [String: any SetupRadio] = [:]
        while isCurrent(generation), !Task.isCancelled {
            await withTaskGroup(of: (String, (any SetupRadio)?, [DiscoveredPrinter]).self) { group in
                for adapter in adapters {
                    let known = radios[adapter]
                    group.addTask { [self] in
                        do throws(SetupError) {
                            let radio: any SetupRadio
                            if let known { radio = known } else { radio = try await self.radio(adapter) }
                            let heard = try await radio.scan(for: limits.discoveryRound, scope: .advertising) { _ in false }
                            return (adapter, radio, heard)
                        } catch {
                            logger.debug("discovery round failed", metadata: ["adapter": "\(adapter)", "reason": "\(error.message)"])
                            try? await Task.sleep(for: limits.discoveryRound)
                            return (adapter, nil, [])
                        }
                    }
                }
                for await (adapter, radio, heard) in group {
                    radios[adapter] = radio
                    for printer in heard { printers.heard(printer, on: adapter) }
                }
            }
            printers.sweep(olderThan: limits.printerLifetime)
        }
        await sweepUntilEmpty()
    }

    /// Removes stale printers every few seconds until none is left (or discovery started again).
    private func sweepUntilEmpty() async {
        let mine = state.withLock { state -> Bool in
            guard !state.sweeping else { return false }
            state.sweeping = true
            return true
        }
        guard mine else { return }
        defer { state.withLock { $0.sweeping = false } }
        while !printers.isEmpty, !Task.isCancelled, state.withLock({ $0.discoveryGeneration % 2 == 0 }) {
            try? await Task.sleep(for: .seconds(5))
            printers.sweep(olderThan: limits.printerLifetime)
        }
        if Task.isCancelled { printers.removeAll() }
    }
}
