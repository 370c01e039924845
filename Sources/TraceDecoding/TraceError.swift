/// Why a capture or a key log could not be read. Each case says what is wrong in words for a
/// person; none carries key material or a message's contents.
public enum TraceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not start with the btsnoop magic.
    case notBTSnoop
    /// A btsnoop file whose datalink is not btmon's monitor format (2001).
    case unsupportedDatalink(UInt32)
    /// The capture ends inside a record header or record data (record number, 1-based).
    case truncated(record: Int)
    /// A record claims more data than a monitor record may hold.
    case recordTooLarge(record: Int, length: UInt32)
    /// The capture is larger than the decoder reads.
    case captureTooLarge(limit: Int)
    /// A line of the key log is not a session key line (line number, 1-based).
    case badKeyLogLine(Int)
    /// A handle given on the command line is not `role=handle`.
    case badHandle(String)

    /// A message for a person.
    public var description: String {
        switch self {
        case .notBTSnoop: "not a btsnoop capture (record it with btmon -w FILE)"
        case .unsupportedDatalink(let link):
            "btsnoop datalink \(link) is not supported: record with btmon -w (monitor format, datalink 2001)"
        case .truncated(let record): "the capture is truncated in record \(record)"
        case .recordTooLarge(let record, let length): "record \(record) claims \(length) octets, more than a monitor record holds"
        case .captureTooLarge(let limit): "the capture is larger than \(limit) octets"
        case .badKeyLogLine(let line): "line \(line) of the key log is not a SMARTSETUP_SESSION_KEYS line"
        case .badHandle(let text): "'\(text)' is not ROLE=HANDLE with ROLE info, request or events and HANDLE a number such as 0x002a"
        }
    }
}
