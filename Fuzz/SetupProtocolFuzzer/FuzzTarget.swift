import SetupProtocol

/// One decoder exercised by the fuzzer. Every target must return normally on any input:
/// a thrown ProtocolError is the expected outcome for bad input; a crash is a bug.
enum FuzzTarget: String, CaseIterable {
    /// FragmentHeader.decode on one ATT value.
    case fragment
    /// Reassembler over a fragment stream: octet 0 picks the MTU, then [length, value] chunks.
    case reassembly
    /// TLVFields over a body, with field 1 repeatable and 1...7 known.
    case tlv
    /// Record.decode (ClientHello, ServerHello, ClientFinish, Error, Sealed).
    case record
    /// ApplicationMessage.decode (every application message and its field validation).
    case message
    /// SetupAdvertisement(manufacturerData:).
    case advertisement
    /// PublicInfo(decoding:).
    case info
    /// A PrinterSession fed the input as a stream of writes (stateful).
    case printer
    /// A CentralSession after ClientHello, fed the input as notifications (stateful).
    case central
    /// Sealed application messages after a real handshake, to either side (see SealedTarget).
    case sealed

    /// Runs the decoder over `data`.
    func run(_ data: [UInt8]) {
        switch self {
        case .fragment:
            _ = try? FragmentHeader.decode(data)
        case .reassembly:
            guard let first = data.first else { return }
            var reassembler = Reassembler()
            for chunk in Self.chunks(data.dropFirst()) {
                _ = try? reassembler.receive(chunk, mtu: 23 + Int(first), now: MonotonicInstant(milliseconds: 0))
            }
        case .tlv:
            _ = try? TLVFields(decoding: data[...], known: [1, 2, 3, 4, 5, 6, 7], repeatable: [1])
        case .record:
            if let record = try? Record.decode(data) { _ = try? record.encoded() }
        case .message:
            if let message = try? ApplicationMessage.decode(data) { _ = try? message.encoded() }
        case .advertisement:
            _ = try? SetupAdvertisement(manufacturerData: data)
        case .info:
            _ = try? PublicInfo(decoding: data)
        case .printer:
            Self.runPrinter(data)
        case .central:
            Self.runCentral(data)
        case .sealed:
            SealedTarget.run(data)
        }
    }

    /// Splits `data` into [length octet, value] chunks.
    static func chunks(_ data: ArraySlice<UInt8>) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var index = data.startIndex
        while index < data.endIndex {
            let length = Int(data[index])
            index += 1
            let end = min(index + length, data.endIndex)
            chunks.append(Array(data[index..<end]))
            index = end
        }
        return chunks
    }

    static func runPrinter(_ data: [UInt8]) {
        var setup = PrinterSetupState(authMethod: .displayedPIN)
        var random = CountingRandom()
        let now = MonotonicInstant(milliseconds: 0)
        setup.showNewPIN(now: now, random: &random)
        guard let info = try? DeviceInfo(model: "m", serial: "s", firmware: "f", macAddress: [0, 0, 0, 0, 0, 0]) else { return }
        var session = PrinterSession(configuration: PrinterConfiguration(deviceInfo: info, shortID: ShortID(1)), setup: &setup, now: now)
        for (index, chunk) in chunks(data[...]).enumerated() {
            _ = session.receiveWrite(chunk, mtu: 247, withResponse: index % 2 == 0, now: now, setup: &setup, random: &random)
        }
    }

    static func runCentral(_ data: [UInt8]) {
        let advertisement = SetupAdvertisement(version: 1, authMethod: .displayedPIN, isProvisioned: false, isBusy: false, shortID: ShortID(1), deviceClass: .printer)
        guard let configuration = try? CentralConfiguration(advertisement: advertisement, clientID: Array(repeating: 1, count: 16)),
              let pin = try? SetupPIN(validating: "12345670") else { return }
        var central = CentralSession(configuration: configuration, mtu: 247)
        var random = CountingRandom()
        let now = MonotonicInstant(milliseconds: 0)
        _ = try? central.startHandshake(authentication: .pin(pin), firstRequest: .deviceInfo, now: now, random: &random)
        for chunk in chunks(data[...]) { _ = central.receiveNotification(chunk, now: now) }
    }
}

/// Deterministic bytes for the stateful targets (so a crash reproduces).
struct CountingRandom: RandomSource {
    private var counter: UInt8 = 0

    mutating func fill(_ buffer: inout [UInt8]) {
        for index in buffer.indices {
            counter &+= 37
            buffer[index] = counter
        }
    }
}
