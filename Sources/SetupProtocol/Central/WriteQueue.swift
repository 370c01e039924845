/// Keeps one ATT Write Request outstanding at a time (ATT allows no more), queuing whole messages.
struct WriteQueue: Sendable {
    private var inFlight = false
    private var queued: [[WriteOperation]] = []

    /// The write operations for one message: every fragment but the last as a Write Command,
    /// the last as a Write Request.
    static func operations(for record: [UInt8], mtu: Int) throws(ProtocolError) -> [WriteOperation] {
        let fragments = try Fragmenter.fragments(of: record, mtu: mtu)
        return fragments.enumerated().map { index, fragment in
            index == fragments.count - 1 ? .request(fragment) : .command(fragment)
        }
    }

    /// Sends `operations` now, or after the writes in flight are acknowledged.
    mutating func enqueue(_ operations: [WriteOperation], into actions: inout [CentralAction]) {
        if inFlight {
            queued.append(operations)
        } else {
            inFlight = true
            actions.append(.write(operations))
        }
    }

    /// The outstanding Write Request completed; sends the next queued message.
    mutating func acknowledged(into actions: inout [CentralAction]) {
        inFlight = false
        guard !queued.isEmpty else { return }
        inFlight = true
        actions.append(.write(queued.removeFirst()))
    }

    /// Drops everything.
    mutating func clear() {
        inFlight = false
        queued = []
    }
}
