/// The value handles of our three characteristics on one connection: learnt from the service
/// discovery in the capture, or given by the user when the capture has none (a cached database).
public struct HandleMap: Sendable, Equatable {
    /// Info's value handle.
    public var info: UInt16?
    /// Request's value handle.
    public var request: UInt16?
    /// Events' value handle.
    public var events: UInt16?

    /// No handles known.
    public init(info: UInt16? = nil, request: UInt16? = nil, events: UInt16? = nil) {
        self.info = info
        self.request = request
        self.events = events
    }

    /// Adds one `ROLE=HANDLE` word (`request=0x002a`, `events=44`).
    ///
    /// - Throws: ``TraceError/badHandle(_:)`` for another shape.
    public mutating func add(_ word: String) throws(TraceError) {
        let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw .badHandle(word) }
        let text = parts[1].lowercased()
        let number = text.hasPrefix("0x") ? UInt16(text.dropFirst(2), radix: 16) : UInt16(text)
        guard let number, number != 0 else { throw .badHandle(word) }
        switch parts[0].lowercased() {
        case "info": info = number
        case "request": request = number
        case "events": events = number
        default: throw .badHandle(word)
        }
    }
}
