import SetupProtocol

/// Decodes our protocol out of a btmon capture, without I/O: monitor records in, ``TraceItem``s out.
///
/// The layers, one step each: btsnoop monitor record → HCI ACL (per controller and connection
/// handle) → L2CAP (start and continuation fragments reassembled) → ATT on CID 4 → our three
/// characteristics (their value handles learnt from the characteristic discovery in the capture,
/// or given in a ``HandleMap``) → our fragments, reassembled per connection and direction (SPEC
/// §6) → records (§7). Sealed records are shown with their counter, and opened when the
/// ``KeyLogFile`` has a line for the ClientHello's session id. Advertising reports and the
/// advertising data a printer sets are decoded when they carry our service UUID.
///
/// A capture from btmon on a machine with two controllers (the VM tier) holds each ATT PDU twice,
/// once per controller: each controller's view is decoded on its own.
public struct TraceDecoder: Sendable {
    /// What a connection's decoding keeps.
    struct Connection: Sendable {
        var l2cap: [UInt8] = []
        var l2capLength: Int?
        var handles: HandleMap
        var pendingRead: UInt16?
        var readValue: [UInt8] = []
        var toPrinter = Reassembler()
        var toCentral = Reassembler()
        var fragments: [TraceDirection: Int] = [:]
        /// The key log's line for the session (from ClientHello), if it has one.
        var keys: SessionKeyLogEntry?
        var toPrinterCounter: UInt64 = 0
        var toCentralCounter: UInt64 = 0
        /// The counter the keys open the next message at, per direction: as a receiver's, it
        /// moves on only when a message opened.
        var toPrinterOpened: UInt64 = 0
        var toCentralOpened: UInt64 = 0
        /// EATT channels (L2CAP CIDs opened with PSM 0x0027) and the signalling identifiers of
        /// requests still unanswered.
        var eattChannels: Set<UInt16> = []
        var eattRequests: Set<UInt8> = []
        /// An EATT SDU in progress per channel: its announced length and the octets so far.
        var eattSDUs: [UInt16: (length: Int, octets: [UInt8])] = [:]
    }

    private let keyLog: KeyLogFile
    private let givenHandles: HandleMap
    private let showSecrets: Bool
    private var connections: [UInt32: Connection] = [:]
    private var advertisements: [[UInt8]: [UInt8]] = [:]

    /// A decoder. `showSecrets` shows a SetCredentials passphrase instead of its length.
    public init(keyLog: KeyLogFile = KeyLogFile(), handles: HandleMap = HandleMap(), showSecrets: Bool = false) {
        self.keyLog = keyLog
        self.givenHandles = handles
        self.showSecrets = showSecrets
    }

    /// Decodes a whole capture.
    ///
    /// - Throws: ``TraceError`` when the capture is not a readable btsnoop monitor capture.
    public static func decode(
        capture: [UInt8], keyLog: KeyLogFile = KeyLogFile(), handles: HandleMap = HandleMap(), showSecrets: Bool = false
    ) throws(TraceError) -> [TraceItem] {
        var decoder = TraceDecoder(keyLog: keyLog, handles: handles, showSecrets: showSecrets)
        return try BTSnoopReader.records(in: capture).flatMap { decoder.decode($0) }
    }

    /// Decodes one monitor record; most give nothing.
    public mutating func decode(_ record: MonitorRecord) -> [TraceItem] {
        switch record.opcode {
        case 2: return command(record)
        case 3: return event(record)
        case 4, 5: return acl(record)
        default: return []
        }
    }

    // MARK: - HCI

    private mutating func acl(_ record: MonitorRecord) -> [TraceItem] {
        let data = record.data[...]
        guard let header = ByteReader.u16le(data, 0), let length = ByteReader.u16le(data, 2),
              data.count >= 4 + Int(length) else { return [] }
        let handle = header & 0x0fff
        let boundary = (header >> 12) & 0x3
        let payload = Array(data[4..<(4 + Int(length))])
        let key = UInt32(record.controllerIndex) << 16 | UInt32(handle)
        var connection = connections[key] ?? Connection(handles: givenHandles)
        if boundary == 0b01 {
            guard connection.l2capLength != nil else { return [] }
            connection.l2cap += payload
        } else {
            connection.l2cap = payload
            connection.l2capLength = ByteReader.u16le(payload[...], 0).map(Int.init)
        }
        var items: [TraceItem] = []
        if let l2capLength = connection.l2capLength, connection.l2cap.count >= 4 + l2capLength {
            let channel = ByteReader.u16le(connection.l2cap[...], 2)
            let pdu = Array(connection.l2cap[4..<(4 + l2capLength)])
            connection.l2cap = []
            connection.l2capLength = nil
            if channel == 0x0004, let att = ATTPDU.parse(pdu) {
                items = self.att(att, on: &connection, record: record, handle: handle)
            } else if channel == 0x0005 {
                Self.signalling(pdu, on: &connection)
            } else if let channel, connection.eattChannels.contains(channel), let sdu = Self.eattSDU(pdu, channel: channel, on: &connection),
                      let att = ATTPDU.parse(sdu) {
                items = self.att(att, on: &connection, record: record, handle: handle)
            }
        }
        connections[key] = connection
        return items
    }

    /// LE signalling (CID 5): credit-based connection requests for EATT (PSM 0x0027) and their
    /// responses name the channels that carry ATT besides CID 4 (Core Vol 3 Part A §4.22-4.26).
    static func signalling(_ pdu: [UInt8], on connection: inout Connection) {
        guard pdu.count >= 4 else { return }
        let code = pdu[0], identifier = pdu[1]
        let body = pdu[4...]
        switch code {
        case 0x14, 0x17:
            // LE credit based (0x14: PSM, SCID, …) or enhanced credit based (0x17: PSM, MTU, MPS,
            // credits, SCIDs…) connection request.
            guard ByteReader.u16le(body, 0) == 0x0027 else { return }
            connection.eattRequests.insert(identifier)
            if code == 0x14, let source = ByteReader.u16le(body, 2) { connection.eattChannels.insert(source) }
            if code == 0x17 {
                var at = 8
                while let source = ByteReader.u16le(body, at) { connection.eattChannels.insert(source); at += 2 }
            }
        case 0x15, 0x18:
            // Responses: 0x15 DCID, MTU, MPS, credits, result; 0x18 MTU, MPS, credits, result, DCIDs…
            guard connection.eattRequests.remove(identifier) != nil else { return }
            if code == 0x15, let destination = ByteReader.u16le(body, 0) { connection.eattChannels.insert(destination) }
            if code == 0x18 {
                var at = 8
                while let destination = ByteReader.u16le(body, at) {
                    if destination != 0 { connection.eattChannels.insert(destination) }
                    at += 2
                }
            }
        default:
            return
        }
    }

    /// One K-frame of an EATT channel: the first carries the SDU length; returns the SDU (an ATT
    /// PDU) once complete.
    static func eattSDU(_ frame: [UInt8], channel: UInt16, on connection: inout Connection) -> [UInt8]? {
        if var partial = connection.eattSDUs[channel] {
            partial.octets += frame
            guard partial.octets.count >= partial.length else {
                connection.eattSDUs[channel] = partial
                return nil
            }
            connection.eattSDUs[channel] = nil
            return Array(partial.octets.prefix(partial.length))
        }
        guard let length = ByteReader.u16le(frame[...], 0) else { return nil }
        let octets = Array(frame.dropFirst(2))
        if octets.count >= Int(length) { return Array(octets.prefix(Int(length))) }
        connection.eattSDUs[channel] = (Int(length), octets)
        return nil
    }

    private mutating func event(_ record: MonitorRecord) -> [TraceItem] {
        let data = record.data
        guard data.count >= 2 else { return [] }
        let parameters = data[2...]
        switch data[0] {
        case 0x05:
            // Disconnection Complete: status, handle. The handle may be reused by the next
            // connection, which starts afresh but keeps the value handles learnt: bluetoothd
            // caches the printer's database and does not discover it again.
            if let handle = ByteReader.u16le(parameters, 1) {
                let key = UInt32(record.controllerIndex) << 16 | UInt32(handle & 0x0fff)
                if let old = connections[key] { connections[key] = Connection(handles: old.handles) }
            }
            return []
        case 0x3E:
            return AdvertisingReports.reports(in: parameters).compactMap { report in
                advertisementItem(report.data, address: report.address, record: record, name: "Advertisement")
            }
        default:
            return []
        }
    }

    private mutating func command(_ record: MonitorRecord) -> [TraceItem] {
        guard let data = AdvertisingReports.advertisingDataCommand(record.data[...]) else { return [] }
        return advertisementItem(data, address: [], record: record, name: "AdvertisingData").map { [$0] } ?? []
    }

    private mutating func advertisementItem(_ data: [UInt8], address: [UInt8], record: MonitorRecord, name: String) -> TraceItem? {
        guard let payload = AdvertisingReports.setupPayload(in: data) else { return nil }
        let key = [UInt8(record.controllerIndex >> 8), UInt8(record.controllerIndex & 0xff)] + Array(name.utf8) + address
        guard advertisements[key] != payload.bytes else { return nil }
        advertisements[key] = payload.bytes
        var fields: [TraceField] = []
        if !address.isEmpty { fields.append(TraceField("address", address.reversed().map { Self.hex([$0]).uppercased() }.joined(separator: ":"))) }
        fields.append(TraceField("company id", Self.hex4(payload.company)))
        do {
            let ad = try SetupAdvertisement(manufacturerData: payload.bytes)
            fields += [
                TraceField("version", "\(ad.version)"), TraceField("auth method", Self.name(of: ad.authMethod)),
                TraceField("provisioned", "\(ad.isProvisioned)"), TraceField("busy", "\(ad.isBusy)"),
                TraceField("short id", "\(ad.shortID)"), TraceField("device class", "\(ad.deviceClass)"),
            ]
        } catch {
            fields.append(TraceField("invalid", error.message))
        }
        return TraceItem(record: record.number, timestamp: record.timestamp, controller: record.controllerIndex,
                         connection: nil, direction: nil, name: name, fields: fields)
    }

    // MARK: - ATT

    private func item(_ name: String, _ fields: [TraceField], record: MonitorRecord, handle: UInt16,
                      direction: TraceDirection, counter: UInt64? = nil) -> TraceItem {
        TraceItem(record: record.number, timestamp: record.timestamp, controller: record.controllerIndex,
                  connection: handle, direction: direction, name: name, fields: fields, sealedCounter: counter)
    }

    private func att(_ pdu: ATTPDU, on connection: inout Connection, record: MonitorRecord, handle: UInt16) -> [TraceItem] {
        switch pdu {
        case .readByTypeResponse(let pairs):
            for characteristic in ATTPDU.characteristics(in: pairs) {
                switch characteristic.uuid {
                case SetupGATT.infoCharacteristicUUID.littleEndianOctets: connection.handles.info = characteristic.valueHandle
                case SetupGATT.requestCharacteristicUUID.littleEndianOctets: connection.handles.request = characteristic.valueHandle
                case SetupGATT.eventsCharacteristicUUID.littleEndianOctets: connection.handles.events = characteristic.valueHandle
                default: break
                }
            }
            return []
        case .readRequest(let target):
            connection.pendingRead = target
            connection.readValue = []
            return []
        case .readBlobRequest(let target):
            if connection.pendingRead != target { connection.pendingRead = nil }
            return []
        case .readResponse(let value):
            guard let target = connection.pendingRead, target == connection.handles.info else { return [] }
            connection.readValue += value
            guard let info = try? PublicInfo(decoding: connection.readValue) else { return [] }
            connection.pendingRead = nil
            return [item("Info", [
                TraceField("versions", info.supportedVersions.map(String.init).joined(separator: ",")),
                TraceField("short id", "\(info.shortID)"), TraceField("auth method", Self.name(of: info.authMethod)),
                TraceField("device class", "\(info.deviceClass)"), TraceField("model", info.model),
            ], record: record, handle: handle, direction: .toCentral)]
        case .write(let target, let value, _):
            guard target == connection.handles.request else { return [] }
            return fragment(value, direction: .toPrinter, on: &connection, record: record, handle: handle)
        case .notification(let target, let value):
            guard target == connection.handles.events else { return [] }
            return fragment(value, direction: .toCentral, on: &connection, record: record, handle: handle)
        case .multipleNotifications(let pairs):
            return pairs.flatMap { pair in
                pair.handle == connection.handles.events
                    ? fragment(pair.value, direction: .toCentral, on: &connection, record: record, handle: handle) : []
            }
        case .exchangeMTU, .other:
            return []
        }
    }

    // MARK: - Our fragments and records

    private func fragment(_ value: [UInt8], direction: TraceDirection, on connection: inout Connection,
                          record: MonitorRecord, handle: UInt16) -> [TraceItem] {
        connection.fragments[direction, default: 0] += 1
        let message: [UInt8]?
        do {
            // The largest MTU: the capture shows what was sent; sizes are the sender's business.
            let now = MonotonicInstant(milliseconds: 0)
            message = direction == .toPrinter
                ? try connection.toPrinter.receive(value, mtu: ATTLimits.maximumMTU, now: now)
                : try connection.toCentral.receive(value, mtu: ATTLimits.maximumMTU, now: now)
        } catch {
            connection.fragments[direction] = 0
            return [item("FramingError", [TraceField("error", error.message)], record: record, handle: handle, direction: direction)]
        }
        guard let message else { return [] }
        let fragments = connection.fragments[direction] ?? 1
        connection.fragments[direction] = 0
        return describe(message, fragments: fragments, direction: direction, on: &connection, record: record, handle: handle)
    }

    private func describe(_ message: [UInt8], fragments: Int, direction: TraceDirection, on connection: inout Connection,
                          record: MonitorRecord, handle: UInt16) -> [TraceItem] {
        let size = [TraceField("octets", "\(message.count)"), TraceField("fragments", "\(fragments)")]
        let decoded: Record
        do { decoded = try Record.decode(message) } catch {
            return [item("Undecodable", size + [TraceField("error", error.message)], record: record, handle: handle, direction: direction)]
        }
        switch decoded {
        case .clientHello(let hello):
            connection.toPrinterCounter = 0
            connection.toCentralCounter = 0
            connection.toPrinterOpened = 0
            connection.toCentralOpened = 0
            let entry = keyLog.entries[hello.sessionID]
            connection.keys = entry
            return [item("ClientHello", size + [
                TraceField("versions", hello.offeredVersions.map(String.init).joined(separator: ",")),
                TraceField("session id", Self.hex(hello.sessionID)), TraceField("client id", Self.hex(hello.clientID)),
                TraceField("share", Self.hex(hello.share)),
                TraceField("key log", entry == nil ? "no line for this session id" : "keys found"),
            ], record: record, handle: handle, direction: direction)]
        case .serverHello(let hello):
            return [item("ServerHello", size + [
                TraceField("chosen version", "\(hello.chosenVersion)"),
                TraceField("supported versions", hello.supportedVersions.map(String.init).joined(separator: ",")),
                TraceField("printer nonce", Self.hex(hello.printerNonce)), TraceField("share", Self.hex(hello.share)),
                TraceField("confirmation", Self.hex(hello.confirmation)),
            ], record: record, handle: handle, direction: direction)]
        case .clientFinish(let finish):
            var items = [item("ClientFinish", size + [
                TraceField("confirmation", Self.hex(finish.confirmation)),
                TraceField("sealed message", finish.sealedMessage.map { "\($0.count) octets, counter 0" } ?? "none"),
            ], record: record, handle: handle, direction: direction)]
            if let sealed = finish.sealedMessage {
                items.append(open(sealed, aad: Record.TypeCode.clientFinish, direction: direction, on: &connection, record: record, handle: handle))
            }
            return items
        case .error(let report):
            return [item("Error", size + Self.fields(of: report), record: record, handle: handle, direction: direction)]
        case .sealed(let ciphertext):
            return [open(ciphertext, aad: Record.TypeCode.sealed, direction: direction, on: &connection, record: record, handle: handle)]
        }
    }

    private func open(_ sealed: [UInt8], aad: UInt8, direction: TraceDirection, on connection: inout Connection,
                      record: MonitorRecord, handle: UInt16) -> TraceItem {
        let counter = direction == .toPrinter ? connection.toPrinterCounter : connection.toCentralCounter
        if direction == .toPrinter { connection.toPrinterCounter += 1 } else { connection.toCentralCounter += 1 }
        let sealedFields = [TraceField("counter", "\(counter)"), TraceField("octets", "\(sealed.count)")]
        guard let keys = connection.keys else {
            return item("Sealed", sealedFields + [TraceField("opened", "no key for this session")],
                        record: record, handle: handle, direction: direction, counter: counter)
        }
        let plaintext: [UInt8]
        do {
            plaintext = direction == .toPrinter
                ? try SecureChannel.open(sealed, key: keys.clientKey, iv: keys.clientIV, counter: connection.toPrinterOpened, recordType: aad)
                : try SecureChannel.open(sealed, key: keys.printerKey, iv: keys.printerIV, counter: connection.toCentralOpened, recordType: aad)
        } catch {
            return item("Sealed", sealedFields + [TraceField("opened", "no: the key log's keys do not open it")],
                        record: record, handle: handle, direction: direction, counter: counter)
        }
        if direction == .toPrinter { connection.toPrinterOpened += 1 } else { connection.toCentralOpened += 1 }
        let (name, fields) = ApplicationDescription.describe(plaintext, showSecrets: showSecrets)
        return item(name, fields, record: record, handle: handle, direction: direction, counter: counter)
    }

    static func fields(of report: ErrorReport) -> [TraceField] {
        var fields = [TraceField("code", "\(report.code)")]
        if let left = report.attemptsLeft { fields.append(TraceField("attempts left", "\(left)")) }
        if let retry = report.retryAfterSeconds { fields.append(TraceField("retry after", "\(retry) s")) }
        return fields
    }

    static func name(of method: AuthMethod) -> String {
        switch method {
        case .displayedPIN: "PIN on display"
        case .printedPIN: "PIN on printed page"
        case .button: "button"
        }
    }

    /// `0xFFFF`-style, four upper-case hex digits.
    static func hex4(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: Swift.max(0, 4 - digits.count)) + digits
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }.joined()
    }
}
