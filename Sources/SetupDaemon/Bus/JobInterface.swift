import DBus
import SetupProtocol

/// `io.smartsetup1.Job1` for one job: its properties read from the job's snapshot, `Cancel`.
enum JobInterface {
    static func make(_ job: Job, manager: JobManager) -> DBusExportedInterface {
        func property(_ name: String, _ type: DBusType, _ value: @escaping @Sendable (Job.Snapshot) -> DBusValue) -> DBusExportedProperty {
            DBusExportedProperty(name, type: type) { [weak job] _ throws(DBusError) in
                guard let job else { throw DBusError(.unknownObject, message: "the job is gone") }
                return value(job.snapshot)
            }
        }
        let networkType = DBusType.array(.dictionary(key: .string, value: .variant))
        return DBusExportedInterface(
            ServiceNames.job,
            methods: [
                DBusExportedMethod("Cancel") { [weak job, weak manager] invocation throws(DBusError) in
                    guard let job, let manager else { throw DBusError(.unknownObject, message: "the job is gone") }
                    try manager.cancel(job, by: invocation.sender)
                    return []
                }
            ],
            properties: [
                DBusExportedProperty("Kind", type: .string) { _ in .string(job.request.kind.rawValue) },
                DBusExportedProperty("Owner", type: .string) { _ in .string(job.owner) },
                property("Printer", .string) { .string($0.printer) },
                property("PrinterAddress", .string) { .string($0.printerAddress) },
                property("Adapter", .string) { .string($0.adapter) },
                property("State", .string) { .string($0.state.rawValue) },
                property("Attempt", .uint32) { .uint32($0.attempt) },
                property("Error", .string) { .string($0.error) },
                property("ExitCode", .int32) { .int32($0.exitCode) },
                property("Message", .string) { .string($0.message) },
                property("Address", .string) { .string($0.address) },
                property("Networks", networkType) { .array(element: .dictionary(key: .string, value: .variant), values: $0.networks.map(network)) },
                property("Created", .uint64) { .uint64($0.created) },
                property("Started", .uint64) { .uint64($0.started) },
                property("Finished", .uint64) { .uint64($0.finished) },
            ])
    }

    static func network(_ result: ScanResult) -> DBusValue {
        .propertyDictionary([
            "SSID": .bytes(result.ssid), "RSSI": .int16(Int16(result.rssi)), "Security": .string(securityName(result.security)),
            "Channel": .uint16(result.channel), "Band": .string(bandName(result.band)),
        ])
    }

    static func securityName(_ security: WiFiSecurity) -> String {
        switch security {
        case .open: "open"
        case .wpa2PSK: "wpa2"
        case .wpa3SAE: "wpa3"
        case .wpa2WPA3: "wpa2-wpa3"
        }
    }

    static func bandName(_ band: WiFiBand) -> String {
        switch band {
        case .ghz2_4: "2.4GHz"
        case .ghz5: "5GHz"
        case .ghz6: "6GHz"
        }
    }
}
