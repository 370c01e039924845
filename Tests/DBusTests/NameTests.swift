import Testing
import DBus
import TestSupport

@Suite(.cleansUp) struct NameTests {
    @Test func requestAndReleaseNameResults() async throws {
        try await withPrivateBus { bus in
            let first = try await bus.connect()
            let second = try await bus.connect()
            defer { first.close(); second.close() }
            let name = "org.example.Owned"
            #expect(try await first.requestName(name) == .primaryOwner)
            #expect(try await first.requestName(name) == .alreadyOwner)
            #expect(try await second.requestName(name, flags: .doNotQueue) == .exists)
            #expect(try await second.requestName(name) == .inQueue)
            #expect(try await first.nameOwner(of: name) == first.uniqueName)
            #expect(try await first.releaseName(name) == .released)
            #expect(try await first.nameOwner(of: name) == second.uniqueName)
            #expect(try await first.releaseName(name) == .notOwner)
            #expect(try await first.releaseName("org.example.Nobody") == .nonExistent)
            #expect(try await first.nameOwner(of: "org.example.Nobody") == nil)
            await #expect(throws: DBusError.self) { try await first.requestName(":1.5") }
            await #expect(throws: DBusError.self) { try await first.requestName("bad") }
        }
    }

    @Test func replacementFlags() async throws {
        try await withPrivateBus { bus in
            let first = try await bus.connect()
            let second = try await bus.connect()
            defer { first.close(); second.close() }
            #expect(try await first.requestName("org.example.R", flags: .allowReplacement) == .primaryOwner)
            #expect(try await second.requestName("org.example.R", flags: [.replaceExisting, .doNotQueue]) == .primaryOwner)
            #expect(try await second.nameOwner(of: "org.example.R") == second.uniqueName)
        }
    }

    @Test func nameOwnerChangesForOneName() async throws {
        try await withPrivateBus { bus in
            let watcher = try await bus.connect()
            let owner = try await bus.connect()
            defer { watcher.close(); owner.close() }
            let changes = try await watcher.nameOwnerChanges(of: "org.example.Watched")
            #expect(try await owner.requestName("org.example.Unrelated") == .primaryOwner)
            #expect(try await owner.requestName("org.example.Watched") == .primaryOwner)
            #expect(try await owner.releaseName("org.example.Watched") == .released)
            var iterator = changes.makeAsyncIterator()
            #expect(try await iterator.next() == DBusNameOwnerChange(name: "org.example.Watched", oldOwner: nil, newOwner: owner.uniqueName))
            #expect(try await iterator.next() == DBusNameOwnerChange(name: "org.example.Watched", oldOwner: owner.uniqueName, newOwner: nil))
            changes.cancel()
            #expect(try await iterator.next() == nil)
        }
    }
}
