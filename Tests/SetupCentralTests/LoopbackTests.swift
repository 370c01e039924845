import SetupCentral
import SetupLink
import Testing

@Suite struct LoopbackTests {
    @Test func countsOperationsAndDeliversInOrder() async throws {
        let connection = LoopbackConnection(mtu: 10, info: [0x30])
        #expect(connection.mtu == 23)
        let events = try await connection.central.subscribeToEvents()
        let writes = connection.printer.incomingWrites()
        try await connection.central.writeRequest([1, 2], withResponse: false)
        let answered = Task { try await connection.central.writeRequest([3], withResponse: true) }
        var iterator = writes.makeAsyncIterator()
        #expect(await iterator.next()?.value == [1, 2])
        let last = await iterator.next()
        #expect(last?.withResponse == true)
        await connection.printer.respond(success: true)
        try await answered.value
        try await connection.printer.notify([9, 9, 9])
        var received = events.makeAsyncIterator()
        #expect(try await received.next() == [9, 9, 9])
        let statistics = await connection.statistics
        #expect(statistics.writeCommands == 1)
        #expect(statistics.roundTrips == 1)
        #expect(statistics.notifications == 1)
        #expect(statistics.bytes == 6)
        #expect(statistics.operations == 3)
    }

    @Test func severingEndsBothSidesAndFailsThePendingWrite() async throws {
        let connection = LoopbackConnection(mtu: 247, info: [])
        let events = try await connection.central.subscribeToEvents()
        let pending = Task { try await connection.central.writeRequest([1], withResponse: true) }
        var writes = connection.printer.incomingWrites().makeAsyncIterator()
        _ = await writes.next()
        await connection.sever()
        #expect(await connection.isClosed)
        await #expect(throws: LinkError.disconnected) { try await pending.value }
        // The central's Events stream ends with the reason: the link was lost.
        var received = events.makeAsyncIterator()
        await #expect(throws: LinkError.disconnected) { try await received.next() }
        #expect(await writes.next() == nil)
        await #expect(throws: LinkError.disconnected) { try await connection.printer.notify([1]) }
    }

    @Test func aRejectedWriteRequestThrows() async throws {
        let connection = LoopbackConnection(mtu: 23, info: [])
        let pending = Task { try await connection.central.writeRequest([1], withResponse: true) }
        var writes = connection.printer.incomingWrites().makeAsyncIterator()
        _ = await writes.next()
        await connection.printer.respond(success: false)
        await #expect(throws: LinkError.writeRejected) { try await pending.value }
    }

    @Test func exitCodesAreDistinctAndDocumented() {
        let codes = ExitCodeTable.rows.map(\.code)
        #expect(Set(codes).count == codes.count)
        #expect(SetupError(.printerLost, "x").exitCode == 22)
        #expect(SetupError(.usage, "x").exitCode == 64)
        #expect(ExitCodeTable.text.contains("several-printers"))
    }
}
