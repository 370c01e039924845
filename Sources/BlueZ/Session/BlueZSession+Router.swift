import DBus

extension BlueZSession {
    /// Starts the one router task: it applies org.bluez's signals to the cache in arrival
    /// order, follows org.bluez's owner (drop on loss, re-sync on return) and runs the releases
    /// of dropped objects one after another. The task holds the session weakly (the outer
    /// closure too: a `[weak self]` only in the inner ones made the outer one hold it strongly,
    /// so a session let go without ``close()`` lived on with its connection); the session's
    /// deinit closes it, which ends the task.
    func startRouter(signals: DBusSignalStream, owners: DBusNameOwnerChanges, timeout: Duration) {
        let releases = releases.stream
        progress.withLock { $0.signals = signals }
        let task = Task { [weak self] in
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await release in releases { await release() }
                }
                group.addTask { [weak self] in
                    do {
                        for try await signal in signals {
                            guard let self else { return }
                            self.receive(signal)
                            self.signalApplied()
                        }
                        self?.routerStopped()
                    } catch {
                        self?.routerStopped()
                        self?.connectionLost()
                    }
                }
                group.addTask { [weak self] in
                    do {
                        for try await change in owners {
                            guard let self else { return }
                            await self.ownerChanged(change, timeout: timeout)
                        }
                    } catch {
                        self?.connectionLost()
                    }
                }
                await group.waitForAll()
            }
            signals.cancel()
            owners.cancel()
        }
        router.withLock { $0 = task }
    }

    /// Applies one signal from org.bluez and routes the resulting event.
    func receive(_ signal: DBusMessage) {
        let endings = state.withLock { state -> StreamEndings in
            if state.syncing {
                state.held.append(signal)
            } else if !state.isReflectedInSnapshot(signal), let event = state.cache.apply(signal) {
                return state.route(event)
            }
            return []
        }
        endings.finishAll()
    }

    /// Handles a change of org.bluez's owner: a loss drops the cache; a new owner re-syncs.
    func ownerChanged(_ change: DBusNameOwnerChange, timeout: Duration) async {
        if change.oldOwner != nil {
            let endings = state.withLock { state in
                state.cache.removeAll()
                state.available = false
                state.held.removeAll()
                return state.route(.bluetoothdStopped)
            }
            endings.finishAll()
        }
        if change.newOwner != nil {
            await resync(timeout: timeout)
        }
    }

    /// The connection failed under the router: every stream ends.
    func connectionLost() {
        state.withLock { $0.available = false }
        finishAllStreams()
    }
}
