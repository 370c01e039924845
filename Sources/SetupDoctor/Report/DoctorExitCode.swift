/// The exit codes of `smartsetup doctor` (range 30-39; 0 when everything is ready), ordered from
/// the most fundamental failure to the least: the verdict takes the most fundamental one.
public enum DoctorExitCode: Int32, Sendable, Hashable, CaseIterable, Comparable {
    /// Everything smartsetup needs works, but something is not as recommended.
    case warnings = 30
    /// The kernel has no Bluetooth (no `AF_BLUETOOTH` socket).
    case noKernelBluetooth = 31
    /// No Bluetooth controller, or not the one asked for with `--adapter`.
    case noController = 32
    /// The controller is blocked by rfkill (soft or hard).
    case controllerBlocked = 33
    /// The controller cannot do LE.
    case controllerUnusable = 34
    /// bluetoothd (or the system bus) is not reachable.
    case bluetoothdUnreachable = 35
    /// This user may not call `org.bluez`.
    case bluezAccessDenied = 36
    /// The adapter is powered off or cannot take the central role.
    case adapterNotReady = 37

    /// A short machine-readable name, used in JSON output.
    public var name: String {
        switch self {
        case .warnings: return "doctor-warnings"
        case .noKernelBluetooth: return "no-kernel-bluetooth"
        case .noController: return "no-controller"
        case .controllerBlocked: return "controller-blocked"
        case .controllerUnusable: return "controller-unusable"
        case .bluetoothdUnreachable: return "bluetoothd-unreachable"
        case .bluezAccessDenied: return "bluez-access-denied"
        case .adapterNotReady: return "adapter-not-ready"
        }
    }

    /// What the code means, for `--help` and the README.
    public var meaning: String {
        switch self {
        case .warnings: return "ready, with warnings (a setting not as recommended)"
        case .noKernelBluetooth: return "the kernel has no Bluetooth"
        case .noController: return "no Bluetooth controller (or not the one given with --adapter)"
        case .controllerBlocked: return "the controller is blocked by rfkill"
        case .controllerUnusable: return "the controller does not support Bluetooth LE"
        case .bluetoothdUnreachable: return "bluetoothd or the system bus is not reachable"
        case .bluezAccessDenied: return "this user may not call org.bluez"
        case .adapterNotReady: return "the adapter is powered off or cannot be a central"
        }
    }

    /// The more fundamental code is the smaller one but for `warnings`, which comes last.
    public static func < (lhs: DoctorExitCode, rhs: DoctorExitCode) -> Bool {
        func rank(_ code: DoctorExitCode) -> Int32 { code == .warnings ? 100 : code.rawValue }
        return rank(lhs) < rank(rhs)
    }

    /// The table for `--help`: one line per code, 0 first.
    public static var helpText: String {
        (["  0  ready: every check passed"] + allCases.map { "  \($0.rawValue) \($0.name): \($0.meaning)" }).joined(separator: "\n")
    }
}
