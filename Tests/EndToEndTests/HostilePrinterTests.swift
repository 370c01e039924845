import BlueZ
import DBus
import Foundation
import SetupCentral
import SetupProtocol
import SimulatedBlueZ
import Synchronization
import Testing
import TestSupport

/// A hostile printer: a GATT peripheral on the simulated BlueZ that advertises as a printer in
/// setup mode and, once the central writes its ClientHello, answers with frames no printer
/// sends. Every mode ends the central's pairing within its deadline with a typed failure, and
/// the central's memory stays bounded while it is flooded.
@Suite(.serialized, .cleansUp) struct HostilePrinterTests {
    /// What the hostile printer answers with.
    enum Mode: String, CaseIterable, Sendable {
        /// Random octets as notifications.
        case garbage
        /// A notification larger than the ATT MTU allows.
        case oversized
        /// A FIRST fragment announcing 400 octets, then nothing.
        case truncated
        /// A FIRST fragment, then one with a skipped sequence number.
        case outOfOrder
        /// 20,000 notifications as fast as it can: FIRST fragments of huge messages and
        /// continuations.
        case flooding
        /// Nothing at all.
        case silent
        /// A complete, well-framed record of an unknown type.
        case unknownRecord
        /// A complete ServerHello-typed record whose body is nonsense.
        case badServerHello
    }

    /// The failure classes a hostile printer may cause: each has its own documented exit code
    /// (a protocol violation is exit 1, "internal error or protocol violation").
    static let allowed: Set<String> = ["internal", "timeout", "printer-lost", "message-lost", "printer-refused"]
    static let deadline: Duration = .seconds(20)

    @Test(arguments: Mode.allCases)
    func everyModeEndsInATypedErrorWithinItsDeadline(mode: Mode) async throws {
        let bus = try await PrivateBus.start()
        let simulator = try await SimulatedBlueZ.start(
            busAddress: bus.address, configuration: SimulatorConfiguration(adapterCount: 2, mtu: 185, connectionInterval: .milliseconds(2)))
        try CleanupScope.atEnd(of: "the simulator") { await simulator.stop() }
        let session = try await BlueZSession.open(try await DBusConnection.open(.address(bus.address)))
        let hostile = try await HostilePrinter.start(mode: mode, on: try session.adapter(named: "hci1"))

        var options = SmartSetup.Options()
        options.scanTimeout = .seconds(3)
        options.eventTimeout = .seconds(5)
        let service = SmartSetup(radio: try await BlueZRadio.open(adapter: "hci0", bus: .address(bus.address)), options: options)
        let pin = try SetupPIN(validating: "12345670")
        let before = residentMegabytes()
        let clock = ContinuousClock()
        let start = clock.now
        let request = PairRequest(target: PrinterTarget(selector: PrinterSelector("0BAD"), authentication: .pin(pin)), credentials: try credentials())
        do throws(SetupError) {
            _ = try await service.pair(request)
            Issue.record("a \(mode.rawValue) printer was paired with")
        } catch {
            #expect(Self.allowed.contains(error.kindName), "\(mode.rawValue): \(error.diagnostic)")
            #expect(!error.message.contains("ProtocolError"), "a Swift type name in \"\(error.message)\"")
        }
        let elapsed = start.duration(to: clock.now)
        #expect(elapsed < Self.deadline, "\(mode.rawValue) took \(elapsed)")
        #expect(hostile.sawClientHello, "the central never wrote to the \(mode.rawValue) printer")
        // Bounded memory: the flood is 20,000 notifications of up to 182 octets.
        #expect(residentMegabytes() - before < 64, "\(mode.rawValue): RSS grew from \(before) MB to \(residentMegabytes()) MB")
        await hostile.stop()
        session.close()
    }

    /// This process's resident set size in MB (from /proc/self/status).
    func residentMegabytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (line.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap { Int($0) } ?? 0) / 1024
    }
}

/// The peripheral behind ``HostilePrinterTests``: our service and characteristics, our
/// advertisement (short id 0BAD, displayed PIN), and a Request handler that answers the first
/// write with the mode's frames on Events.
final class HostilePrinter: Sendable {
    /// What the Request handler and the printer share.
    final class State: Sendable {
        let writes = Atomic<Int>(0)
        let flood = Mutex<Task<Void, Never>?>(nil)
    }

    private let application: GattApplication
    private let advertisement: AdvertisementRegistration
    private let state: State

    /// Whether the central wrote anything (its ClientHello).
    var sawClientHello: Bool { state.writes.load(ordering: .acquiring) > 0 }

    private init(application: GattApplication, advertisement: AdvertisementRegistration, state: State) {
        self.application = application
        self.advertisement = advertisement
        self.state = state
    }

    static func start(mode: HostilePrinterTests.Mode, on adapter: Adapter) async throws -> HostilePrinter {
        let state = State()
        let events = LocalCharacteristic(uuid: SetupGATT.eventsCharacteristicUUID.description, flags: ["notify"])
        let request = LocalCharacteristic(
            uuid: SetupGATT.requestCharacteristicUUID.description, flags: ["write", "write-without-response"],
            onWrite: { _, options throws(BlueZError) in
                guard state.writes.add(1, ordering: .acquiringAndReleasing).oldValue == 0 else { return }
                let frames = Self.frames(for: mode, mtu: Int(options.mtu ?? 23))
                guard mode == .flooding else {
                    for frame in frames { _ = try events.notify(frame) }
                    return
                }
                // Owned by the printer: stop() cancels and awaits it.
                state.flood.withLock { task in
                    task = Task {
                        for index in 0..<20_000 where !Task.isCancelled {
                            _ = try? events.notify(frames[index % frames.count])
                            if index % 500 == 0 { await Task.yield() }
                        }
                    }
                }
            })
        let info = LocalCharacteristic(uuid: SetupGATT.infoCharacteristicUUID.description, flags: ["read"], value: Array(repeating: 0xEE, count: 40))
        let service = LocalService(uuid: SetupGATT.serviceUUID.description, characteristics: [info, request, events])
        let application = try await GattApplication.register([service], on: adapter)
        let payload = SetupAdvertisement(version: 1, authMethod: .displayedPIN, isProvisioned: false, isBusy: false, shortID: ShortID(0x0BAD), deviceClass: .printer)
        let advertisement = try await adapter.advertise(Advertisement(
            kind: .peripheral, serviceUUIDs: [SetupGATT.serviceUUID.description],
            manufacturerData: [SetupAdvertisement.companyID: payload.manufacturerData], localName: "Hostile", includes: []))
        return HostilePrinter(application: application, advertisement: advertisement, state: state)
    }

    /// The frames of each mode at `mtu` (a notification carries at most mtu - 3 octets).
    static func frames(for mode: HostilePrinterTests.Mode, mtu: Int) -> [[UInt8]] {
        let room = mtu - 3
        func first(length: UInt16, last: Bool, payload: [UInt8]) -> [UInt8] {
            var bytes: [UInt8] = []
            FragmentHeader(isFirst: true, isLast: last, sequence: 0, messageLength: length).encode(into: &bytes)
            return bytes + payload
        }
        switch mode {
        case .garbage:
            var generator = SystemRandomNumberGenerator()
            return (0..<8).map { _ in (0..<room).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        case .oversized:
            return [first(length: 600, last: false, payload: Array(repeating: 0x41, count: room + 40))]
        case .truncated:
            return [first(length: 400, last: false, payload: Array(repeating: 0x42, count: room - 3))]
        case .outOfOrder:
            var skipped: [UInt8] = []
            FragmentHeader(isFirst: false, isLast: false, sequence: 5, messageLength: nil).encode(into: &skipped)
            return [first(length: 400, last: false, payload: Array(repeating: 0x43, count: room - 3)), skipped + Array(repeating: 0x43, count: room - 1)]
        case .flooding:
            var continuation: [UInt8] = []
            FragmentHeader(isFirst: false, isLast: false, sequence: 1, messageLength: nil).encode(into: &continuation)
            return [first(length: 0xFFFF, last: false, payload: Array(repeating: 0x44, count: room - 3)), continuation + Array(repeating: 0x44, count: room - 1)]
        case .silent:
            return []
        case .unknownRecord:
            return [first(length: 4, last: true, payload: [0x7E, 0x01, 0x02, 0x03])]
        case .badServerHello:
            return [first(length: 6, last: true, payload: [0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])]
        }
    }

    func stop() async {
        let task = state.flood.withLock { $0 }
        task?.cancel()
        await task?.value
        await advertisement.unregister()
        await application.unregister()
    }
}
