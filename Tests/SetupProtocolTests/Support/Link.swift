import SetupProtocol

/// Connects a CentralSession and a PrinterSession through an in-memory ATT bearer and records
/// every frame, ATT operation and event. Deliveries run in FIFO order. Non-copyable like the
/// sessions it holds.
struct Link: ~Copyable {
    enum Direction: String { case centralToPrinter = "c2p", printerToCentral = "p2c" }

    struct Frame: Equatable {
        var direction: Direction
        /// "write-command", "write-request" or "notification".
        var operation: String
        var bytes: [UInt8]
    }

    enum Delivery {
        case toPrinter([UInt8], withResponse: Bool)
        case notification([UInt8])
        case writeResponse(Bool)
        case busyRefusal
    }

    var central: CentralSession
    var printer: PrinterSession
    var setup: PrinterSetupState
    var centralRandom: SeededRandom
    var printerRandom: SeededRandom
    var now = MonotonicInstant(milliseconds: 1_000_000)
    var mtu: Int
    var frames: [Frame] = []
    var centralEvents: [CentralEvent] = []
    var printerEvents: [PrinterEvent] = []
    var centralTimer: MonotonicInstant?
    var printerTimer: MonotonicInstant?
    var disconnected = false
    /// Deliver a Write Response after the notifications the write caused (BlueZ may do either).
    var responsesAfterNotifications = false
    /// Optional tampering hook: may change or drop (return nil) a delivery.
    var tamper: ((Delivery) -> Delivery?)?

    /// Tampering that drops every ClientFinish on its way to the printer: the attempt stalls
    /// after ServerHello.
    mutating func dropClientFinish() {
        tamper = { delivery in
            if case .toPrinter(let bytes, _) = delivery, bytes.count > 3, bytes[3] == Record.TypeCode.clientFinish { return nil }
            return delivery
        }
    }
    private var queue: [Delivery] = []

    init(
        mtu: Int, authMethod: AuthMethod = .displayedPIN, centralSeed: UInt64 = 1, printerSeed: UInt64 = 2,
        offeredVersions: [UInt8] = [1], supportedVersions: [UInt8] = [1], centralRandom: SeededRandom? = nil, printerRandom: SeededRandom? = nil
    ) throws {
        self.mtu = mtu
        var setup = PrinterSetupState(authMethod: authMethod)
        let configuration = PrinterConfiguration(deviceInfo: try Fixtures.deviceInfo(), shortID: ShortID(0x3F0A), supportedVersions: supportedVersions)
        let printer = PrinterSession(configuration: configuration, setup: &setup, now: now)
        let advertisement = SetupAdvertisement(
            version: 1, authMethod: authMethod, isProvisioned: false, isBusy: false, shortID: ShortID(0x3F0A), deviceClass: .printer)
        let central = CentralSession(
            configuration: try CentralConfiguration(advertisement: advertisement, clientID: Array(0x10...0x1F), offeredVersions: offeredVersions),
            mtu: mtu)
        self.setup = setup
        self.printer = printer
        self.central = central
        self.centralRandom = centralRandom ?? SeededRandom(seed: centralSeed)
        self.printerRandom = printerRandom ?? SeededRandom(seed: printerSeed)
    }

    /// Shows a fresh PIN on the printer and returns it.
    mutating func showPIN() -> SetupPIN {
        setup.showNewPIN(now: now, random: &printerRandom)!
    }

    mutating func startHandshake(_ authentication: CentralAuthentication, firstRequest: CentralRequest? = nil) throws {
        let actions = try central.startHandshake(authentication: authentication, firstRequest: firstRequest, now: now, random: &centralRandom)
        apply(central: actions)
        run()
    }

    mutating func send(_ request: CentralRequest) throws {
        apply(central: try central.send(request, now: now))
        run()
    }

    mutating func report(_ status: JoinStatus) throws {
        apply(printer: try printer.reportJoinStatus(status, now: now))
        run()
    }

    mutating func sendScanResults(_ results: [ScanResult]) throws {
        apply(printer: try printer.sendScanResults(results, now: now))
        run()
    }

    /// Moves time to `instant` and fires every timer due.
    mutating func advance(to instant: MonotonicInstant) {
        now = instant
        if let timer = centralTimer, timer <= now {
            centralTimer = nil
            apply(central: central.timerFired(now: now))
        }
        if let timer = printerTimer, timer <= now {
            printerTimer = nil
            apply(printer: printer.timerFired(now: now, setup: &setup, random: &printerRandom))
        }
        run()
    }

    mutating func advance(seconds: UInt64) { advance(to: now.adding(seconds: seconds)) }

    /// Delivers queued traffic until none is left.
    mutating func run() {
        while !queue.isEmpty {
            var delivery = queue.removeFirst()
            if let tamper {
                guard let changed = tamper(delivery) else { continue }
                delivery = changed
            }
            guard !disconnected else { continue }
            switch delivery {
            case .toPrinter(let bytes, let withResponse):
                frames.append(Frame(direction: .centralToPrinter, operation: withResponse ? "write-request" : "write-command", bytes: bytes))
                apply(printer: printer.receiveWrite(bytes, mtu: mtu, withResponse: withResponse, now: now, setup: &setup, random: &printerRandom))
            case .notification(let bytes):
                frames.append(Frame(direction: .printerToCentral, operation: "notification", bytes: bytes))
                apply(central: central.receiveNotification(bytes, now: now))
            case .writeResponse(let success):
                apply(central: success ? central.writeAcknowledged(now: now) : central.writeFailed(now: now))
            case .busyRefusal:
                apply(central: central.writeRefusedBusy(now: now))
            }
        }
    }

    /// Injects a raw notification (as an attacker or a broken printer would).
    mutating func inject(notification bytes: [UInt8]) {
        queue.append(.notification(bytes))
        run()
    }

    /// Injects a raw write (as an attacker or a broken client would).
    mutating func inject(write bytes: [UInt8], withResponse: Bool = true) {
        queue.append(.toPrinter(bytes, withResponse: withResponse))
        run()
    }

    mutating func apply(central actions: [CentralAction]) {
        for action in actions {
            switch action {
            case .write(let operations):
                for operation in operations {
                    switch operation {
                    case .command(let bytes): queue.append(.toPrinter(bytes, withResponse: false))
                    case .request(let bytes): queue.append(.toPrinter(bytes, withResponse: true))
                    }
                }
            case .event(let event): centralEvents.append(event)
            case .setTimer(let instant): centralTimer = instant
            case .cancelTimer: centralTimer = nil
            case .disconnect: disconnect()
            }
        }
    }

    mutating func apply(printer actions: [PrinterAction]) {
        var ordered = actions
        if responsesAfterNotifications, let index = ordered.firstIndex(where: { if case .respondToWrite = $0 { true } else { false } }) {
            ordered.append(ordered.remove(at: index))
        }
        for action in ordered {
            switch action {
            case .respondToWrite(let success): queue.append(.writeResponse(success))
            case .refuseWriteBusy: queue.append(.busyRefusal)
            case .notify(let fragments): queue.append(contentsOf: fragments.map { .notification($0) })
            case .event(let event): printerEvents.append(event)
            case .setTimer(let instant): printerTimer = instant
            case .cancelTimer: printerTimer = nil
            case .disconnect: disconnect()
            }
        }
    }

    /// Tears the link down once: both sides hear of it.
    mutating func disconnect() {
        guard !disconnected else { return }
        run()
        disconnected = true
        apply(central: central.disconnected(now: now))
        apply(printer: printer.disconnected(now: now, setup: &setup, random: &printerRandom))
    }

    /// Write Requests sent by the central so far: each is one ATT round trip.
    var roundTrips: Int { frames.filter { $0.operation == "write-request" }.count }
    /// ATT operations so far (writes of both kinds and notifications).
    var attOperations: Int { frames.count }
}

enum Fixtures {
    static func deviceInfo() throws -> DeviceInfo {
        try DeviceInfo(model: "LaserJet Test 400", serial: "CN12345678", firmware: "2026.11.1", macAddress: [0x02, 0x00, 0x5E, 0x10, 0x20, 0x30])
    }

    static func credentials(passphrase: String = "correct horse battery") throws -> WiFiCredentials {
        try WiFiCredentials(ssid: Array("HomeNet".utf8), security: .wpa2WPA3, passphrase: WiFiPassphrase(passphrase))
    }

    static func connected() throws -> JoinStatus {
        .connected(try IPv4Interface(address: IPv4Address(192, 168, 1, 57), prefixLength: 24))
    }
}
