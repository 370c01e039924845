import CBluetooth
#if canImport(Glibc)
import Glibc
#endif

/// Whether the kernel has Bluetooth: an `AF_BLUETOOTH` HCI socket can be opened (and is closed
/// at once). Needs no privileges.
public enum KernelBluetooth {
    /// nil when the socket opened; else the errno of `socket(2)`.
    public static func socketError() -> Int32? {
        let fd = socket(AF_BLUETOOTH, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), BTPROTO_HCI)
        if fd < 0 { return errno }
        close(fd)
        return nil
    }

    /// The check: ok, or failed with what `socket(2)` said and the fix.
    public static func check(socketError: Int32?) -> DoctorCheck {
        let title = "Bluetooth in the kernel"
        guard let error = socketError else {
            return DoctorCheck(id: "kernel", title: title, status: .ok, found: "an AF_BLUETOOTH socket opens")
        }
        let reason = String(cString: strerror(error))
        if error == EAFNOSUPPORT {
            return DoctorCheck(
                id: "kernel", title: title, status: .failed,
                found: "this kernel has no Bluetooth (AF_BLUETOOTH socket: \(reason))",
                fix: "load the module (`modprobe bluetooth`) or use a kernel with Bluetooth (CONFIG_BT); in a container, run on a host with Bluetooth",
                failure: .noKernelBluetooth)
        }
        return DoctorCheck(
            id: "kernel", title: title, status: .failed,
            found: "an AF_BLUETOOTH socket cannot be opened (\(reason))",
            fix: "allow AF_BLUETOOTH for this process (a seccomp or RestrictAddressFamilies= filter refuses it)",
            failure: .noKernelBluetooth)
    }
}
