extension DBusConnection {
    /// Asks the bus for the well-known `name`.
    public func requestName(
        _ name: String, flags: DBusRequestNameFlags = [], timeout: Duration = .seconds(25)
    ) async throws(DBusError) -> DBusRequestNameResult {
        try validateWellKnown(name)
        let reply = try await callBus("RequestName", [.string(name), .uint32(flags.rawValue)], timeout: timeout)
        guard case .uint32(let code)? = reply.body.first else { throw .typeMismatch(expected: "u", found: reply.signature.rawValue) }
        return try DBusRequestNameResult(code: code)
    }

    /// Gives up the well-known `name` (or our place in its queue).
    public func releaseName(_ name: String, timeout: Duration = .seconds(25)) async throws(DBusError) -> DBusReleaseNameResult {
        try validateWellKnown(name)
        let reply = try await callBus("ReleaseName", [.string(name)], timeout: timeout)
        guard case .uint32(let code)? = reply.body.first else { throw .typeMismatch(expected: "u", found: reply.signature.rawValue) }
        return try DBusReleaseNameResult(code: code)
    }

    /// The unique name of `name`'s current owner, or nil when it has none.
    public func nameOwner(of name: String, timeout: Duration = .seconds(25)) async throws(DBusError) -> String? {
        try DBusNames.validateBusName(name)
        do throws(DBusError) {
            let reply = try await callBus("GetNameOwner", [.string(name)], timeout: timeout)
            guard case .string(let owner)? = reply.body.first else {
                throw .typeMismatch(expected: "s", found: reply.signature.rawValue)
            }
            return owner
        } catch where error.kind == .nameHasNoOwner {
            return nil
        }
    }

    /// The owner changes of `name` (`NameOwnerChanged` with `arg0` = `name`), from now on.
    /// Same subscription semantics as ``signals(matching:bufferLimit:timeout:)``.
    public func nameOwnerChanges(
        of name: String, bufferLimit: Int = 1024, timeout: Duration = .seconds(25)
    ) async throws(DBusError) -> DBusNameOwnerChanges {
        try DBusNames.validateBusName(name)
        return DBusNameOwnerChanges(signals: try await signals(matching: .nameOwnerChanged(of: name), bufferLimit: bufferLimit, timeout: timeout))
    }

    /// Calls a method of the bus daemon (`org.freedesktop.DBus`).
    func callBus(_ member: String, _ body: [DBusValue], timeout: Duration) async throws(DBusError) -> DBusMessage {
        try await call(
            .methodCall(destination: Self.busName, path: DBusObjectPath(unchecked: "/org/freedesktop/DBus"),
                        interface: Self.busName, member: member, body: body),
            timeout: timeout)
    }

    private func validateWellKnown(_ name: String) throws(DBusError) {
        try DBusNames.validateBusName(name)
        guard !name.hasPrefix(":") else {
            throw DBusError(.invalidArguments, message: "'\(name)' is a unique name, not a well-known one")
        }
    }
}

/// `NameOwnerChanged` signals for one name as ``DBusNameOwnerChange`` values.
public struct DBusNameOwnerChanges: AsyncSequence, Sendable {
    public typealias Element = DBusNameOwnerChange
    public typealias Failure = DBusError

    let signals: DBusSignalStream

    public func makeAsyncIterator() -> Iterator {
        Iterator(signals: signals.makeAsyncIterator())
    }

    /// Ends the sequence and releases its match rule.
    public func cancel() {
        signals.cancel()
    }

    /// Iterates a ``DBusNameOwnerChanges``.
    public struct Iterator: AsyncIteratorProtocol {
        var signals: DBusSignalStream.Iterator

        /// The next change; nil once the sequence ended.
        public mutating func next() async throws(DBusError) -> DBusNameOwnerChange? {
            while let signal = try await signals.next() {
                guard signal.body.count == 3, case .string(let name) = signal.body[0],
                    case .string(let old) = signal.body[1], case .string(let new) = signal.body[2]
                else { continue }
                return DBusNameOwnerChange(name: name, oldOwner: old.isEmpty ? nil : old, newOwner: new.isEmpty ? nil : new)
            }
            return nil
        }
    }
}
