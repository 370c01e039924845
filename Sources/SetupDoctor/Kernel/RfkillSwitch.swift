import Foundation

/// A Bluetooth rfkill switch from sysfs (`/sys/class/rfkill/rfkillN` with `type` = bluetooth).
public struct RfkillSwitch: Sendable, Hashable {
    /// The switch's sysfs name, e.g. `rfkill0`.
    public var id: String
    /// Its `name`, e.g. `hci0` or a platform switch such as `hp-bluetooth`.
    public var name: String
    /// Blocked by software (`rfkill block`).
    public var softBlocked: Bool
    /// Blocked by a hardware switch or the firmware.
    public var hardBlocked: Bool

    /// A switch with these values.
    public init(id: String, name: String, softBlocked: Bool, hardBlocked: Bool) {
        self.id = id
        self.name = name
        self.softBlocked = softBlocked
        self.hardBlocked = hardBlocked
    }

    /// The Bluetooth switches under `root` (normally `/sys/class/rfkill`); none when it is absent.
    /// Each file read is bounded to 256 octets.
    public static func list(root: String = "/sys/class/rfkill") -> [RfkillSwitch] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return entries.sorted().compactMap { entry in
            let directory = root + "/" + entry
            guard read(directory + "/type") == "bluetooth" else { return nil }
            return RfkillSwitch(
                id: entry, name: read(directory + "/name") ?? entry,
                softBlocked: read(directory + "/soft") == "1", hardBlocked: read(directory + "/hard") == "1")
        }
    }

    /// The check over all switches: ok, or failed (blocked) with the fix.
    public static func check(_ switches: [RfkillSwitch]) -> DoctorCheck {
        let title = "rfkill"
        if switches.isEmpty {
            return DoctorCheck(id: "rfkill", title: title, status: .ok, found: "no Bluetooth rfkill switch (nothing blocks the radio)")
        }
        let found = switches.map { "\($0.name): \($0.hardBlocked ? "hard blocked" : $0.softBlocked ? "soft blocked" : "not blocked")" }
            .joined(separator: ", ")
        if switches.contains(where: \.hardBlocked) {
            return DoctorCheck(
                id: "rfkill", title: title, status: .failed, found: found,
                fix: "turn the radio on with the machine's wireless switch or key, or in the firmware setup (a hard block cannot be lifted by software)",
                failure: .controllerBlocked)
        }
        if switches.contains(where: \.softBlocked) {
            return DoctorCheck(id: "rfkill", title: title, status: .failed, found: found, fix: "`rfkill unblock bluetooth`", failure: .controllerBlocked)
        }
        return DoctorCheck(id: "rfkill", title: title, status: .ok, found: found)
    }

    private static func read(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 256) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
