/// A message sent inside the secure channel (SPEC §8): one type octet, then TLV fields.
public enum ApplicationMessage: Hashable, Sendable {
    /// Client → printer: ask for ``DeviceInfo``.
    case deviceInfoRequest
    /// Printer → client: the answer to `deviceInfoRequest`.
    case deviceInfo(DeviceInfo)
    /// Client → printer: scan for networks.
    case scanRequest
    /// Printer → client: the networks the printer sees.
    case scanResults([ScanResult])
    /// Client → printer: join this network.
    case setCredentials(WiFiCredentials)
    /// Printer → client: join progress or result.
    case joinStatus(JoinStatus)
    /// Client → printer: show yourself.
    case identify(IdentifyAction)
    /// Client → printer: forget network settings and leave setup mode.
    case resetNetwork
    /// Printer → client: the request of this type was carried out (identify, resetNetwork).
    case acknowledge(requestType: UInt8)
    /// Either way: an error.
    case error(ErrorReport)

    /// Message type octets.
    public enum TypeCode {
        /// Error.
        public static let error: UInt8 = 0x0F
        /// DeviceInfoRequest.
        public static let deviceInfoRequest: UInt8 = 0x20
        /// DeviceInfo.
        public static let deviceInfo: UInt8 = 0x21
        /// ScanRequest.
        public static let scanRequest: UInt8 = 0x22
        /// ScanResults.
        public static let scanResults: UInt8 = 0x23
        /// SetCredentials.
        public static let setCredentials: UInt8 = 0x24
        /// JoinStatus.
        public static let joinStatus: UInt8 = 0x25
        /// Identify.
        public static let identify: UInt8 = 0x26
        /// ResetNetwork.
        public static let resetNetwork: UInt8 = 0x27
        /// Acknowledge.
        public static let acknowledge: UInt8 = 0x28
    }

    /// This message's type octet.
    public var typeCode: UInt8 {
        switch self {
        case .deviceInfoRequest: return TypeCode.deviceInfoRequest
        case .deviceInfo: return TypeCode.deviceInfo
        case .scanRequest: return TypeCode.scanRequest
        case .scanResults: return TypeCode.scanResults
        case .setCredentials: return TypeCode.setCredentials
        case .joinStatus: return TypeCode.joinStatus
        case .identify: return TypeCode.identify
        case .resetNetwork: return TypeCode.resetNetwork
        case .acknowledge: return TypeCode.acknowledge
        case .error: return TypeCode.error
        }
    }

    /// The plaintext octets: type, then fields.
    public func encoded() throws(ProtocolError) -> [UInt8] {
        var writer = TLVWriter(prefix: [typeCode])
        switch self {
        case .deviceInfoRequest, .scanRequest, .resetNetwork: break
        case .deviceInfo(let info): try info.encode(into: &writer)
        case .scanResults(let results):
            guard results.count <= ScanResult.maximumCount else { throw .invalid(.network, "at most \(ScanResult.maximumCount) networks") }
            for result in results { try writer.append(1, critical: true, try result.encoded()) }
        case .setCredentials(let credentials): try credentials.encode(into: &writer)
        case .joinStatus(let status): try status.encode(into: &writer)
        case .identify(let action): try writer.append(1, critical: true, byte: action.rawValue)
        case .acknowledge(let requestType): try writer.append(1, critical: true, byte: requestType)
        case .error(let report): try report.encode(into: &writer)
        }
        return writer.bytes
    }

    /// Decodes plaintext octets; every field is validated.
    public static func decode(_ bytes: [UInt8]) throws(ProtocolError) -> ApplicationMessage {
        guard let type = bytes.first else { throw .malformed("empty application message") }
        let body = bytes[1...]
        switch type {
        case TypeCode.deviceInfoRequest: _ = try TLVFields(decoding: body, known: []); return .deviceInfoRequest
        case TypeCode.scanRequest: _ = try TLVFields(decoding: body, known: []); return .scanRequest
        case TypeCode.resetNetwork: _ = try TLVFields(decoding: body, known: []); return .resetNetwork
        case TypeCode.deviceInfo: return .deviceInfo(try DeviceInfo.decode(body))
        case TypeCode.scanResults:
            let fields = try TLVFields(decoding: body, known: [1], repeatable: [1])
            let networks = fields.values(1)
            guard networks.count <= ScanResult.maximumCount else { throw .invalid(.network, "at most \(ScanResult.maximumCount) networks") }
            var results: [ScanResult] = []
            for network in networks { results.append(try ScanResult.decode(network)) }
            return .scanResults(results)
        case TypeCode.setCredentials: return .setCredentials(try WiFiCredentials.decode(body))
        case TypeCode.joinStatus: return .joinStatus(try JoinStatus.decode(body))
        case TypeCode.identify:
            let fields = try TLVFields(decoding: body, known: [1])
            guard let action = IdentifyAction(rawValue: try fields.required(1).singleByte(.identifyAction)) else {
                throw .invalid(.identifyAction, "is not a known identify action")
            }
            return .identify(action)
        case TypeCode.acknowledge:
            let fields = try TLVFields(decoding: body, known: [1])
            return .acknowledge(requestType: try fields.required(1).singleByte(.requestType))
        case TypeCode.error: return .error(try ErrorReport.decode(body))
        default: throw ProtocolError(.unknownMessageType(type))
        }
    }
}
