import Testing
import DBus
import TestSupport

/// The number of match rules the bus holds for `connection` (from `Debug.Stats`).
func matchRuleCount(of connection: DBusConnection, on observer: DBusConnection) async throws -> UInt32 {
    var call = busMethod("GetConnectionStats", [.string(connection.uniqueName)])
    call.interface = "org.freedesktop.DBus.Debug.Stats"
    let reply = try await observer.call(call, timeout: .seconds(30))
    let stats = try #require(reply.body.first).propertyDictionary()
    return try #require(stats["MatchRules"]?.uint32)
}

/// Takes the next element within `timeout`, or nil.
func next<S: AsyncSequence & Sendable>(_ sequence: S, within timeout: Duration = .seconds(30)) async throws -> S.Element?
where S.Element: Sendable {
    try await withThrowingTaskGroup(of: S.Element?.self) { group in
        group.addTask {
            var iterator = sequence.makeAsyncIterator()
            return try await iterator.next()
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

@Suite(.cleansUp) struct SignalTests {
    let path = try! DBusObjectPath("/org/example/thing")

    func signal(_ member: String, path: DBusObjectPath? = nil, _ body: [DBusValue] = []) -> DBusMessage {
        .signal(path: path ?? self.path, interface: "org.example.Things", member: member, body: body)
    }

    @Test func signalsAreDeliveredAndFilteredLocallyPerRule() async throws {
        try await withPrivateBus { bus in
            let emitter = try await bus.connect()
            let listener = try await bus.connect()
            defer { emitter.close(); listener.close() }
            let changed = try await listener.signals(matching: DBusMatchRule(interface: "org.example.Things", member: "Changed"))
            let removed = try await listener.signals(matching: DBusMatchRule(interface: "org.example.Things", member: "Removed",
                                                                            arguments: [0: "yes"]))
            let below = try await listener.signals(matching: DBusMatchRule(pathNamespace: try DBusObjectPath("/org/example")))
            try emitter.send(signal("Removed", [.string("no")]))
            try emitter.send(signal("Changed", [.int32(1)]))
            try emitter.send(signal("Removed", [.string("yes")]))
            try emitter.send(signal("Changed", path: try DBusObjectPath("/elsewhere"), [.int32(2)]))

            var changedIterator = changed.makeAsyncIterator()
            let first = try await changedIterator.next()
            #expect(first?.body == [.int32(1)])
            #expect(first?.sender == emitter.uniqueName)
            let second = try await changedIterator.next()
            #expect(second?.body == [.int32(2)])
            var removedIterator = removed.makeAsyncIterator()
            #expect(try await removedIterator.next()?.body == [.string("yes")])
            var belowIterator = below.makeAsyncIterator()
            let members = [try await belowIterator.next()?.member, try await belowIterator.next()?.member,
                           try await belowIterator.next()?.member]
            #expect(members == ["Removed", "Changed", "Removed"])
        }
    }

    @Test func matchRulesAreReferenceCountedOnTheBus() async throws {
        try await withPrivateBus { bus in
            let listener = try await bus.connect()
            let observer = try await bus.connect()
            defer { listener.close(); observer.close() }
            let baseline = try await matchRuleCount(of: listener, on: observer)
            let rule = DBusMatchRule(interface: "org.example.Things", member: "Changed")
            let a = try await listener.signals(matching: rule)
            let b = try await listener.signals(matching: rule)
            #expect(try await matchRuleCount(of: listener, on: observer) == baseline + 1)
            let other = try await listener.signals(matching: DBusMatchRule(member: "Other"))
            #expect(try await matchRuleCount(of: listener, on: observer) == baseline + 2)
            a.cancel()
            // RemoveMatch is queued before this call on the same connection: the bus sees it first.
            _ = try await listener.call(busMethod("ListNames"))
            #expect(try await matchRuleCount(of: listener, on: observer) == baseline + 2)
            b.cancel()
            other.cancel()
            _ = try await listener.call(busMethod("ListNames"))
            #expect(try await matchRuleCount(of: listener, on: observer) == baseline)
            // Dropping a stream without cancelling it releases its rule too.
            do { _ = try await listener.signals(matching: rule) }
            _ = try await listener.call(busMethod("ListNames"))
            #expect(try await matchRuleCount(of: listener, on: observer) == baseline)
        }
    }

    @Test func cancellingTheIteratingTaskEndsTheStream() async throws {
        try await withPrivateBus { bus in
            let listener = try await bus.connect()
            let observer = try await bus.connect()
            defer { listener.close(); observer.close() }
            let baseline = try await matchRuleCount(of: listener, on: observer)
            let stream = try await listener.signals(matching: DBusMatchRule(member: "Never"))
            let task = Task { () -> Int in
                var count = 0
                for try await _ in stream { count += 1 }
                return count
            }
            try await Task.sleep(for: .milliseconds(50))
            task.cancel()
            #expect(try await task.value == 0)
            _ = try await listener.call(busMethod("ListNames"))
            #expect(try await matchRuleCount(of: listener, on: observer) == baseline)
        }
    }

    @Test func overflowingTheBufferThrowsAfterTheBufferedSignals() async throws {
        try await withPrivateBus { bus in
            let emitter = try await bus.connect()
            let listener = try await bus.connect()
            defer { emitter.close(); listener.close() }
            let stream = try await listener.signals(matching: DBusMatchRule(member: "Burst"), bufferLimit: 4)
            for n in 0..<10 { try emitter.send(signal("Burst", [.int32(Int32(n))])) }
            _ = try await emitter.call(busMethod("ListNames"))
            try await Task.sleep(for: .milliseconds(200))
            var received: [DBusValue] = []
            do throws(DBusError) {
                for try await signal in stream { received += signal.body }
                Issue.record("no overflow error")
            } catch {
                #expect(error.kind == .failed)
            }
            #expect(received == (0..<4).map { .int32(Int32($0)) })
        }
    }

    @Test func streamsThrowDisconnectedWhenTheBusDies() async throws {
        let bus = try await PrivateBus.start()
        let listener = try await bus.connect()
        defer { listener.close() }
        let stream = try await listener.signals(matching: DBusMatchRule(member: "Never"))
        let task = Task { () throws(DBusError) -> Int in
            var count = 0
            for try await _ in stream { count += 1 }
            return count
        }
        try await Task.sleep(for: .milliseconds(50))
        bus.kill()
        await #expect { try await task.value } throws: { ($0 as? DBusError)?.kind == .disconnected }
        await #expect(throws: DBusError.self) { try await listener.signals(matching: DBusMatchRule(member: "X")) }
    }

    @Test func wellKnownSenderRulesFollowTheOwner() async throws {
        try await withPrivateBus { bus in
            let emitter = try await bus.connect()
            let impostor = try await bus.connect()
            let listener = try await bus.connect()
            defer { emitter.close(); impostor.close(); listener.close() }
            #expect(try await emitter.requestName("org.example.Emitter") == .primaryOwner)
            let fromEmitter = try await listener.signals(matching: DBusMatchRule(sender: "org.example.Emitter", member: "Hi"))
            let fromAnyone = try await listener.signals(matching: DBusMatchRule(member: "Hi"))
            try impostor.send(signal("Hi", [.string("impostor")]))
            try emitter.send(signal("Hi", [.string("emitter")]))
            // Signals of two senders may arrive in either order; wait for both.
            var anyone = fromAnyone.makeAsyncIterator()
            let both = [try await anyone.next()?.body, try await anyone.next()?.body]
            #expect(Set(both.compactMap { $0?.first?.string }) == ["impostor", "emitter"])
            try emitter.send(signal("Hi", [.string("again")]))
            var iterator = fromEmitter.makeAsyncIterator()
            #expect(try await iterator.next()?.body == [.string("emitter")])
            #expect(try await iterator.next()?.body == [.string("again")])
        }
    }

    @Test func invalidRulesAreRejected() async throws {
        try await withPrivateBus { bus in
            let listener = try await bus.connect()
            defer { listener.close() }
            await #expect(throws: DBusError.self) { try await listener.signals(matching: DBusMatchRule(interface: "nodot")) }
            await #expect(throws: DBusError.self) {
                try await listener.signals(matching: DBusMatchRule(path: .root, pathNamespace: .root))
            }
            await #expect(throws: DBusError.self) { try await listener.signals(matching: DBusMatchRule(arguments: [64: "x"])) }
        }
    }

    @Test func ruleTextQuotesApostrophes() {
        let rule = DBusMatchRule(sender: "org.example.A", interface: "org.example.I", member: "M", arguments: [1: "it's", 0: "a"])
        #expect(rule.text == "type='signal',sender='org.example.A',interface='org.example.I',member='M',arg0='a',arg1='it'\\''s'")
    }
}
