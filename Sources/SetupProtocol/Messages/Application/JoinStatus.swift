/// Why joining a network failed (SPEC §8.5). One octet on the wire.
public enum JoinFailureReason: UInt8, Hashable, Sendable, CaseIterable {
    /// The network rejected the passphrase.
    case wrongPassphrase = 1
    /// No network with this SSID was found.
    case networkNotFound = 2
    /// Associated, but no address was obtained (DHCP failed).
    case noAddress = 3
    /// Joining did not finish in time.
    case timedOut = 4
    /// The printer cannot use the requested security.
    case unsupportedSecurity = 5
    /// The printer failed internally.
    case internalError = 6
}

/// Progress of joining a network, reported by the printer (SPEC §8.5).
public enum JoinStatus: Hashable, Sendable {
    /// The credentials were received and validated.
    case received
    /// Associating with the access point.
    case associating
    /// Running the 4-way handshake or SAE.
    case authenticating
    /// Obtaining an address (DHCP or static).
    case obtainingAddress
    /// Joined, with the printer's IPv4 address. Final.
    case connected(IPv4Interface)
    /// Joining failed. Final; the client may send corrected credentials.
    case failed(JoinFailureReason)

    /// Whether this status ends the join attempt.
    public var isFinal: Bool {
        switch self {
        case .connected, .failed: return true
        default: return false
        }
    }

    enum Stage: UInt8 {
        case received = 1, associating = 2, authenticating = 3, obtainingAddress = 4, connected = 5, failed = 6
    }

    enum Field {
        static let stage: UInt8 = 1, reason: UInt8 = 2, address: UInt8 = 3
    }

    func encode(into writer: inout TLVWriter) throws(ProtocolError) {
        switch self {
        case .received: try writer.append(Field.stage, critical: true, byte: Stage.received.rawValue)
        case .associating: try writer.append(Field.stage, critical: true, byte: Stage.associating.rawValue)
        case .authenticating: try writer.append(Field.stage, critical: true, byte: Stage.authenticating.rawValue)
        case .obtainingAddress: try writer.append(Field.stage, critical: true, byte: Stage.obtainingAddress.rawValue)
        case .connected(let interface):
            try writer.append(Field.stage, critical: true, byte: Stage.connected.rawValue)
            try writer.append(Field.address, critical: true, interface.encoded)
        case .failed(let reason):
            try writer.append(Field.stage, critical: true, byte: Stage.failed.rawValue)
            try writer.append(Field.reason, critical: true, byte: reason.rawValue)
        }
    }

    static func decode(_ body: ArraySlice<UInt8>) throws(ProtocolError) -> JoinStatus {
        let fields = try TLVFields(decoding: body, known: [Field.stage, Field.reason, Field.address])
        guard let stage = Stage(rawValue: try fields.required(Field.stage).singleByte(.joinStage)) else { throw .invalid(.joinStage, "is not a known stage") }
        let hasReason = fields.value(Field.reason) != nil
        let hasAddress = fields.value(Field.address) != nil
        switch stage {
        case .connected:
            guard !hasReason else { throw .invalid(.joinReason, "only a failed status has one") }
            return .connected(try IPv4Interface.decode(try fields.required(Field.address)))
        case .failed:
            guard !hasAddress else { throw .invalid(.ipv4Address, "only a connected status has one") }
            guard let reason = JoinFailureReason(rawValue: try fields.required(Field.reason).singleByte(.joinReason)) else {
                throw .invalid(.joinReason, "is not a known reason")
            }
            return .failed(reason)
        default:
            guard !hasReason else { throw .invalid(.joinReason, "only a failed status has one") }
            guard !hasAddress else { throw .invalid(.ipv4Address, "only a connected status has one") }
            switch stage {
            case .received: return .received
            case .associating: return .associating
            case .authenticating: return .authenticating
            default: return .obtainingAddress
            }
        }
    }
}
