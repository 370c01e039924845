import DBus
import SetupCentral
import SetupProtocol
import Synchronization

/// The printers heard by discovery, exported as `io.smartsetup1.Printer1` objects: added when
/// first heard, updated on every report, removed when not heard for the printer lifetime.
final class PrinterDirectory: Sendable {
    struct Entry: Sendable {
        var printer: DiscoveredPrinter
        var adapter: String
        var lastSeen: UInt64
        var heard: ContinuousClock.Instant
        var busyWithJob: Bool
    }

    private let server: DBusObjectServer
    private let entries = Mutex<[String: Entry]>([:])

    init(server: DBusObjectServer) { self.server = server }

    /// Whether any printer object exists.
    var isEmpty: Bool { entries.withLock { $0.isEmpty } }

    /// The object path of the printer with `address`.
    static func path(for address: String) -> DBusObjectPath? {
        try? DBusObjectPath(ServiceNames.printersPath + "/dev_" + address.uppercased().replacingColons())
    }

    /// Records a report of `printer` by `adapter`.
    func heard(_ printer: DiscoveredPrinter, on adapter: String) {
        guard let path = Self.path(for: printer.address) else { return }
        let isNew: Bool = entries.withLock { entries in
            let busy = entries[printer.address]?.busyWithJob ?? false
            let isNew = entries[printer.address] == nil
            entries[printer.address] = Entry(printer: printer, adapter: adapter, lastSeen: WallClock.microseconds(), heard: .now, busyWithJob: busy)
            return isNew
        }
        if isNew {
            try? server.register([interface(address: printer.address)], at: path)
        } else {
            try? server.propertiesChanged(["Name", "Adapter", "RSSI", "AuthMethod", "Busy", "Provisioned", "LastSeen"], interface: ServiceNames.printer, at: path)
        }
    }

    /// Marks whether a job works on the printer with `address` now.
    func setBusy(_ address: String, _ busy: Bool) {
        let known = entries.withLock { entries -> Bool in
            guard entries[address] != nil else { return false }
            entries[address]?.busyWithJob = busy
            return true
        }
        if known, let path = Self.path(for: address) { try? server.propertiesChanged(["Busy"], interface: ServiceNames.printer, at: path) }
    }

    /// Removes the printers not heard within `lifetime`.
    func sweep(olderThan lifetime: Duration) {
        let now = ContinuousClock.now
        let gone = entries.withLock { entries -> [String] in
            let gone = entries.filter { now - $0.value.heard > lifetime }.map(\.key)
            for address in gone { entries[address] = nil }
            return gone
        }
        for address in gone { if let path = Self.path(for: address) { try? server.unregisterObject(at: path) } }
    }

    /// Removes every printer object.
    func removeAll() { sweep(olderThan: .seconds(-1)) }

    private func entry(_ address: String) throws(DBusError) -> Entry {
        guard let entry = entries.withLock({ $0[address] }) else { throw DBusError(.unknownObject, message: "the printer is gone") }
        return entry
    }

    private func interface(address: String) -> DBusExportedInterface {
        func property(_ name: String, _ type: DBusType, _ value: @escaping @Sendable (Entry) -> DBusValue) -> DBusExportedProperty {
            DBusExportedProperty(name, type: type) { [weak self] _ throws(DBusError) in
                guard let self else { throw DBusError(.unknownObject, message: "the service is stopping") }
                return value(try self.entry(address))
            }
        }
        return DBusExportedInterface(
            ServiceNames.printer,
            properties: [
                property("ShortId", .string) { .string($0.printer.shortID) },
                property("Name", .string) { .string($0.printer.name ?? "") },
                property("Address", .string) { .string($0.printer.address) },
                property("Adapter", .string) { .string($0.adapter) },
                property("RSSI", .int16) { .int16(Int16(clamping: $0.printer.rssi ?? 0)) },
                property("AuthMethod", .string) { .string(Self.authMethodName($0.printer.advertisement.authMethod)) },
                property("Busy", .boolean) { .boolean($0.busyWithJob || $0.printer.advertisement.isBusy) },
                property("Provisioned", .boolean) { .boolean($0.printer.advertisement.isProvisioned) },
                property("LastSeen", .uint64) { .uint64($0.lastSeen) },
            ])
    }

    static func authMethodName(_ method: AuthMethod) -> String {
        switch method {
        case .displayedPIN: "display"
        case .printedPIN: "printed"
        case .button: "button"
        }
    }
}

extension String {
    fileprivate func replacingColons() -> String { String(map { $0 == ":" ? "_" : $0 }) }
}
