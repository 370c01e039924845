extension DBusConnection {
    /// Subscribes to the signals matching `rule`.
    ///
    /// Returns once the bus has confirmed the rule (`AddMatch` completed), so a caller can
    /// subscribe first and then make the call that triggers the signal. Rules are reference
    /// counted by their text: the first stream adds the rule on the bus, the last one to end
    /// removes it. Each stream filters locally by its own rule. When `rule.sender` is a
    /// well-known name, the connection also follows that name's owner (`NameOwnerChanged`) to
    /// match the unique sender names signals carry. `bufferLimit` bounds the stream's buffer
    /// (see ``DBusSignalStream``); `timeout` bounds the bus round trips.
    public func signals(
        matching rule: DBusMatchRule, bufferLimit: Int = 1024, timeout: Duration = .seconds(25)
    ) async throws(DBusError) -> DBusSignalStream {
        try rule.validate()
        let buffer = EventBuffer<DBusMessage>(limit: bufferLimit)
        let token = SubscriptionToken(core: core, rule: rule, buffer: buffer)
        buffer.setOnEnd { [weak token] in token?.release() }
        do throws(DBusError) {
            if let sender = rule.sender, !sender.hasPrefix(":"), sender != Self.busName {
                try await addMatch(.nameOwnerChanged(of: sender), buffer: nil, token: token, timeout: timeout)
                let version = core.beginTracking(sender)
                token.hold(trackedName: sender)
                let owner = try await nameOwner(of: sender, timeout: timeout)
                core.setInitialOwner(owner, of: sender, version: version)
            }
            try await addMatch(rule, buffer: buffer, token: token, timeout: timeout)
        } catch {
            token.release()
            throw error
        }
        return DBusSignalStream(token: token)
    }

    /// Adds one subscription and waits until its rule is active on the bus.
    private func addMatch(
        _ rule: DBusMatchRule, buffer: EventBuffer<DBusMessage>?, token: SubscriptionToken, timeout: Duration
    ) async throws(DBusError) {
        let serial = core.nextSerial()
        let message = try ConnectionCore.busCall("AddMatch", [.string(rule.text)], serial: serial)
        let subscription = try core.subscribe(rule: rule, buffer: buffer, addMatch: message, serial: serial, timeout: timeout)
        token.hold(subscription.id)
        _ = try await core.awaitOutcome(of: subscription.registration.addMatch, cancellable: false).get()
    }

    static let busName = "org.freedesktop.DBus"
}

extension DBusMatchRule {
    /// The bus's `NameOwnerChanged` signal for `name` (`arg0`).
    public static func nameOwnerChanged(of name: String) -> DBusMatchRule {
        DBusMatchRule(sender: "org.freedesktop.DBus", path: DBusObjectPath(unchecked: "/org/freedesktop/DBus"),
                      interface: "org.freedesktop.DBus", member: "NameOwnerChanged", arguments: [0: name])
    }
}
