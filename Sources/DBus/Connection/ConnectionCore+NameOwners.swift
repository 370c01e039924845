extension ConnectionCore {
    /// Per well-known name used as a rule's sender: how many streams need its owner, the owner
    /// (nil when none), and a version bumped by each NameOwnerChanged so a slower GetNameOwner
    /// answer never overwrites a newer change.
    struct TrackedName {
        var users = 0
        var owner: String?
        var version = 0
    }

    /// Updates a tracked name's owner from a `NameOwnerChanged` signal of the bus.
    func trackNameOwner(_ message: DBusMessage) {
        guard message.member == "NameOwnerChanged", message.sender == "org.freedesktop.DBus",
            message.interface == "org.freedesktop.DBus", message.body.count == 3,
            case .string(let name) = message.body[0], case .string(let newOwner) = message.body[2]
        else { return }
        state.withLock { s in
            guard var tracked = s.trackedNames[name] else { return }
            tracked.owner = newOwner.isEmpty ? nil : newOwner
            tracked.version += 1
            s.trackedNames[name] = tracked
        }
    }

    /// Starts tracking `name`; returns the version to pass to ``setInitialOwner(_:of:version:)``.
    func beginTracking(_ name: String) -> Int {
        state.withLock { s in
            var tracked = s.trackedNames[name] ?? TrackedName()
            tracked.users += 1
            s.trackedNames[name] = tracked
            return tracked.version
        }
    }

    /// Records a GetNameOwner answer unless a NameOwnerChanged arrived since `version`.
    func setInitialOwner(_ owner: String?, of name: String, version: Int) {
        state.withLock { s in
            guard var tracked = s.trackedNames[name], tracked.version == version else { return }
            tracked.owner = owner
            s.trackedNames[name] = tracked
        }
    }

    /// Stops tracking `name` for one user.
    func endTracking(_ name: String) {
        state.withLock { s in
            guard var tracked = s.trackedNames[name] else { return }
            tracked.users -= 1
            s.trackedNames[name] = tracked.users > 0 ? tracked : nil
        }
    }
}
