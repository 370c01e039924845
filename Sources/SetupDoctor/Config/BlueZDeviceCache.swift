import SetupProtocol

/// The GATT database bluetoothd cached for one remote device: the `[Attributes]` group of
/// `/var/lib/bluetooth/<adapter address>/cache/<device address>` (BlueZ's `src/device.c`,
/// `store_gatt_db`). Each key is a handle in hex (`0010`); a service is
/// `2800:<end handle>:<uuid>` (`2801` secondary), a characteristic
/// `2803:<value handle>:<properties>[:<database hash>]:<uuid>`; included services and descriptors
/// are not needed here.
///
/// Why it matters: on the next connection bluetoothd loads this file (when `[GATT] Cache` is
/// `always`, the default, also for devices that were never paired, which our printers never are),
/// skips discovery when a cached Database Hash still matches, and re-discovers the
/// characteristics of a service only when the service's handle range or UUID changed. A printer
/// whose firmware changed its setup service without moving that range is then seen with the
/// cached, stale characteristics.
public struct BlueZDeviceCache: Sendable, Hashable {
    /// One cached service declaration with the characteristics inside its handle range.
    public struct Service: Sendable, Hashable {
        /// The declaration's handle and the range's last handle.
        public var start: UInt16, end: UInt16
        /// The service UUID, lower case as bluetoothd writes it.
        public var uuid: String
        /// The characteristics whose declaration lies in `start...end`, by handle.
        public var characteristics: [Characteristic]
    }

    /// One cached characteristic declaration.
    public struct Characteristic: Sendable, Hashable {
        /// The declaration's and the value's handle.
        public var handle: UInt16, valueHandle: UInt16
        /// The properties octet (0x02 read, 0x04 write without response, 0x08 write, 0x10 notify).
        public var properties: UInt8
        /// The characteristic UUID, lower case.
        public var uuid: String
    }

    /// The cached services, by handle.
    public var services: [Service]

    /// Parses the key file's text; lines outside `[Attributes]` and lines it cannot read are skipped.
    public init(parsing text: String) {
        var group = ""
        var serviceDeclarations: [Service] = []
        var characteristics: [Characteristic] = []
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("["), line.hasSuffix("]") {
                group = String(line.dropFirst().dropLast())
                continue
            }
            guard group == "Attributes", let equals = line.firstIndex(of: "="),
                  let handle = UInt16(line[..<equals], radix: 16) else { continue }
            let fields = line[line.index(after: equals)...].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard let type = fields.first, let uuid = fields.last?.lowercased() else { continue }
            switch type {
            case "2800", "2801":
                guard fields.count == 3, let end = UInt16(fields[1], radix: 16) else { continue }
                serviceDeclarations.append(Service(start: handle, end: end, uuid: uuid, characteristics: []))
            case "2803":
                guard fields.count == 4 || fields.count == 5, let value = UInt16(fields[1], radix: 16),
                      let properties = UInt8(fields[2], radix: 16) else { continue }
                characteristics.append(Characteristic(handle: handle, valueHandle: value, properties: properties, uuid: uuid))
            default:
                continue
            }
        }
        services = serviceDeclarations.sorted { $0.start < $1.start }.map { service in
            var service = service
            service.characteristics = characteristics.filter { (service.start...max(service.start, service.end)).contains($0.handle) }
                .sorted { $0.handle < $1.handle }
            return service
        }
    }

    /// The cached setup service (SPEC §5), if this device is a printer we ever connected to.
    public var setupService: Service? {
        services.first { $0.uuid == SetupGATT.serviceUUID.description }
    }

    /// What in the cached setup service differs from SPEC §5.1 (a characteristic missing or
    /// without its property, a value handle outside the service); empty when it matches or when
    /// there is no setup service.
    public var setupServiceProblems: [String] {
        guard let service = setupService else { return [] }
        let wanted: [(name: String, uuid: BluetoothUUID, property: UInt8, propertyName: String)] = [
            ("Info", SetupGATT.infoCharacteristicUUID, 0x02, "read"),
            ("Request", SetupGATT.requestCharacteristicUUID, 0x08, "write"),
            ("Events", SetupGATT.eventsCharacteristicUUID, 0x10, "notify"),
        ]
        var problems: [String] = []
        for characteristic in wanted {
            guard let cached = service.characteristics.first(where: { $0.uuid == characteristic.uuid.description }) else {
                problems.append("no \(characteristic.name) characteristic")
                continue
            }
            if cached.properties & characteristic.property == 0 {
                problems.append("\(characteristic.name) without \(characteristic.propertyName)")
            }
            if !(service.start...max(service.start, service.end)).contains(cached.valueHandle) || cached.valueHandle <= cached.handle {
                problems.append("\(characteristic.name) with value handle \(Self.hex(cached.valueHandle)), outside the service \(Self.hex(service.start))-\(Self.hex(service.end))")
            }
        }
        return problems
    }

    static func hex(_ handle: UInt16) -> String {
        let digits = String(handle, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
