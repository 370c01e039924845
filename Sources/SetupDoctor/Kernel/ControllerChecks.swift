/// The checklist lines for the kernel's controllers.
public enum ControllerChecks {
    /// One line per controller (or an error line when there is none, or not `adapter`).
    /// `all` are every controller; `adapter` is the one asked for, if any.
    public static func checks(_ all: [HCIController], adapter: String?) -> [DoctorCheck] {
        let chosen = adapter.map { name in all.filter { $0.name == name } } ?? all
        if all.isEmpty {
            return [DoctorCheck(
                id: "controllers", title: "Bluetooth controllers", status: .failed, found: "the kernel knows no Bluetooth controller",
                fix: "plug in a Bluetooth LE adapter; `dmesg | grep -i bluetooth` shows whether its driver and firmware loaded",
                failure: .noController)]
        }
        if chosen.isEmpty, let adapter {
            return [DoctorCheck(
                id: "controllers", title: "Bluetooth controllers", status: .failed,
                found: "no controller \(adapter) (the kernel has \(all.map(\.name).joined(separator: ", ")))",
                fix: "use --adapter with one of: \(all.map(\.name).joined(separator: ", "))", failure: .noController)]
        }
        return chosen.map(check)
    }

    /// The line for one controller: its address, versions, manufacturer, LE and up/down.
    public static func check(_ controller: HCIController) -> DoctorCheck {
        var parts = [controller.address, controller.isUp ? "up" : "down", controller.supportsLE ? "LE supported" : "no LE"]
        if let version = controller.version {
            parts.append("HCI \(version.hciName) (\(version.hci), revision \(version.hciRevision))")
            parts.append("LMP \(version.lmpName) (\(version.lmp), subversion \(version.lmpSubversion))")
            parts.append("manufacturer \(version.manufacturerName) (\(version.manufacturer))")
        } else if controller.isUp {
            parts.append("version not read (the controller did not answer)")
        } else {
            parts.append("version not read while down")
        }
        let id = "controller.\(controller.name)"
        let title = "controller \(controller.name)"
        let found = parts.joined(separator: ", ")
        if !controller.supportsLE {
            return DoctorCheck(
                id: id, title: title, status: .failed, found: found,
                fix: "use a Bluetooth 4.0 or later controller with LE", failure: .controllerUnusable)
        }
        if !controller.isUp {
            return DoctorCheck(id: id, title: title, status: .warning, found: found, fix: "`bluetoothctl power on` (bluetoothd brings it up)")
        }
        return DoctorCheck(id: id, title: title, status: .ok, found: found)
    }
}
