import Foundation

/// What of BlueZ's `/etc/bluetooth/main.conf` matters to smartsetup: `[GATT] Channels` (SPEC §17
/// wants 1 ATT bearer) and the `[LE]` connection interval bounds (units of 1.25 ms).
public struct BlueZMainConf: Sendable, Hashable {
    /// `[GATT] Channels`; nil when not set (BlueZ 5.66 then uses up to 3).
    public var gattChannels: Int?
    /// `[LE] MinConnectionInterval`, `[LE] MaxConnectionInterval`; nil when not set.
    public var minConnectionInterval: Int?
    public var maxConnectionInterval: Int?

    /// The default path.
    public static let defaultPath = "/etc/bluetooth/main.conf"
    /// The most of the file that is read.
    public static let maximumSize = 256 * 1024

    /// A configuration with these values.
    public init(gattChannels: Int? = nil, minConnectionInterval: Int? = nil, maxConnectionInterval: Int? = nil) {
        self.gattChannels = gattChannels
        self.minConnectionInterval = minConnectionInterval
        self.maxConnectionInterval = maxConnectionInterval
    }

    /// Parses the INI text: `[Section]` headers, `Key = Value` lines, `#` and `;` comments.
    public init(parsing text: String) {
        var section = ""
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = Int(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces))
            switch (section, key) {
            case ("GATT", "Channels"): gattChannels = value
            case ("LE", "MinConnectionInterval"): minConnectionInterval = value
            case ("LE", "MaxConnectionInterval"): maxConnectionInterval = value
            default: break
            }
        }
    }

    /// Reads and parses `path` (at most ``maximumSize`` octets); nil when it cannot be read.
    public static func read(path: String = defaultPath) -> BlueZMainConf? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: maximumSize) else { return nil }
        return BlueZMainConf(parsing: String(decoding: data, as: UTF8.self))
    }

    /// The checklist lines: `[GATT] Channels` and the `[LE]` interval bounds. `config` is nil when
    /// the file at `path` could not be read.
    public static func checks(_ config: BlueZMainConf?, path: String = defaultPath) -> [DoctorCheck] {
        let fixChannels = "set `Channels = 1` under `[GATT]` in \(path), then `systemctl restart bluetooth`"
        let channels: DoctorCheck
        switch config?.gattChannels {
        case 1?:
            channels = DoctorCheck(id: "config.gatt-channels", title: "[GATT] Channels", status: .ok, found: "1 (one ATT bearer, as SPEC §17 wants)")
        case let value?:
            channels = DoctorCheck(
                id: "config.gatt-channels", title: "[GATT] Channels", status: .warning,
                found: "\(value): BlueZ may open \(value) ATT bearers (EATT); SPEC §17 wants 1", fix: fixChannels)
        case nil:
            channels = DoctorCheck(
                id: "config.gatt-channels", title: "[GATT] Channels", status: .warning,
                found: config == nil ? "\(path) cannot be read: BlueZ's default, up to 3 ATT bearers (EATT); SPEC §17 wants 1" : "not set: BlueZ's default, up to 3 ATT bearers (EATT); SPEC §17 wants 1",
                fix: fixChannels)
        }
        return [channels, intervalCheck(config, path: path)]
    }

    static func intervalCheck(_ config: BlueZMainConf?, path: String) -> DoctorCheck {
        let title = "[LE] connection interval"
        func text(_ value: Int?) -> String { value.map { "\($0) (\(Double($0) * 1.25) ms)" } ?? "kernel default" }
        let found = "min \(text(config?.minConnectionInterval)), max \(text(config?.maxConnectionInterval))"
        let valid = 6...3200
        let min = config?.minConnectionInterval
        let max = config?.maxConnectionInterval
        if let min, !valid.contains(min) {
            return DoctorCheck(id: "config.le-interval", title: title, status: .warning, found: found, fix: "MinConnectionInterval must be 6-3200 (7.5 ms-4 s) in \(path)")
        }
        if let max, !valid.contains(max) {
            return DoctorCheck(id: "config.le-interval", title: title, status: .warning, found: found, fix: "MaxConnectionInterval must be 6-3200 (7.5 ms-4 s) in \(path)")
        }
        if let min, let max, min > max {
            return DoctorCheck(id: "config.le-interval", title: title, status: .warning, found: found, fix: "MinConnectionInterval must not exceed MaxConnectionInterval in \(path)")
        }
        return DoctorCheck(id: "config.le-interval", title: title, status: .ok, found: found)
    }
}
