/// Reassembles fragments into messages, enforcing the rules of SPEC §6.4.
///
/// Any broken rule (a missing, repeated, extra or oversized fragment) throws and resets the
/// reassembler; the session then treats it as fatal.
public struct Reassembler: Sendable {
    /// Where reassembly stands.
    enum State: Sendable {
        /// No message in progress.
        case idle
        /// A message is being collected.
        case collecting(expectedLength: Int, nextSequence: UInt8, buffer: [UInt8], startedAt: MonotonicInstant)
    }

    /// Seconds allowed from a message's first fragment to its last.
    public static let messageTimeoutSeconds: UInt64 = 10

    private(set) var state: State = .idle

    /// Creates an idle reassembler.
    public init() {}

    /// The time by which the message in progress must be complete, if one is in progress.
    public var deadline: MonotonicInstant? {
        if case .collecting(_, _, _, let startedAt) = state { return startedAt.adding(seconds: Self.messageTimeoutSeconds) }
        return nil
    }

    /// Feeds one fragment received with ATT MTU `mtu`; returns the message when it is complete.
    public mutating func receive(_ fragment: [UInt8], mtu: Int, now: MonotonicInstant) throws(ProtocolError) -> [UInt8]? {
        do {
            return try accept(fragment, mtu: mtu, now: now)
        } catch {
            state = .idle
            throw error
        }
    }

    private mutating func accept(_ fragment: [UInt8], mtu: Int, now: MonotonicInstant) throws(ProtocolError) -> [UInt8]? {
        guard fragment.count <= ATTLimits.valueSize(forMTU: mtu) else { throw ProtocolError(.fragmentTooLarge) }
        let (header, payload) = try FragmentHeader.decode(fragment)
        guard !payload.isEmpty else { throw ProtocolError(.malformedFragment, detail: "empty payload") }
        switch state {
        case .idle:
            guard header.isFirst, let announced = header.messageLength else { throw ProtocolError(.missingFirstFragment) }
            let length = Int(announced)
            guard length <= Fragmenter.maximumMessageSize else { throw ProtocolError(.messageTooLarge) }
            return try append(payload, header: header, expectedLength: length, buffer: [], now: now)
        case .collecting(let expectedLength, let nextSequence, let buffer, let startedAt):
            guard !header.isFirst else { throw ProtocolError(.unexpectedFirstFragment) }
            guard header.sequence == nextSequence else { throw ProtocolError(.fragmentOutOfOrder) }
            return try append(payload, header: header, expectedLength: expectedLength, buffer: buffer, now: startedAt)
        }
    }

    private mutating func append(
        _ payload: ArraySlice<UInt8>, header: FragmentHeader, expectedLength: Int, buffer: [UInt8], now: MonotonicInstant
    ) throws(ProtocolError) -> [UInt8]? {
        var buffer = buffer
        guard buffer.count + payload.count <= expectedLength else { throw ProtocolError(.fragmentOverflow) }
        buffer.append(contentsOf: payload)
        let complete = buffer.count == expectedLength
        if header.isLast {
            guard complete else { throw ProtocolError(.truncatedMessage) }
            state = .idle
            return buffer
        }
        guard !complete else { throw ProtocolError(.fragmentOverflow, detail: "length reached without LAST") }
        state = .collecting(
            expectedLength: expectedLength, nextSequence: (header.sequence &+ 1) & FragmentHeader.sequenceMask,
            buffer: buffer, startedAt: now)
        return nil
    }

    /// Whether a message is partly received.
    public var isCollecting: Bool {
        if case .collecting = state { return true }
        return false
    }

    /// Drops any message in progress.
    public mutating func reset() { state = .idle }
}
