import CBluetooth
#if canImport(Glibc)
import Glibc
#endif

/// A Bluetooth controller as the kernel and libbluetooth describe it (read-only HCI only:
/// `hci_devinfo` and, when it is up, `hci_read_local_version`, which the kernel allows without
/// privileges).
public struct HCIController: Sendable, Hashable {
    /// The kernel's name, e.g. `hci0`.
    public var name: String
    /// The controller's public address, e.g. `00:AA:01:00:00:23`.
    public var address: String
    /// Whether the interface is up.
    public var isUp: Bool
    /// Whether the LMP features say "LE supported (controller)".
    public var supportsLE: Bool
    /// The local version; nil when the controller is down or did not answer.
    public var version: Version?

    /// A controller with these values.
    public init(name: String, address: String, isUp: Bool, supportsLE: Bool, version: Version?) {
        self.name = name
        self.address = address
        self.isUp = isUp
        self.supportsLE = supportsLE
        self.version = version
    }

    /// `HCI_Read_Local_Version_Information`, with libbluetooth's names.
    public struct Version: Sendable, Hashable {
        /// The HCI version number (e.g. 9) and its name (e.g. "5.0").
        public var hci: UInt8
        public var hciName: String
        /// The HCI revision.
        public var hciRevision: UInt16
        /// The LMP/LL version number and its name.
        public var lmp: UInt8
        public var lmpName: String
        /// The LMP subversion.
        public var lmpSubversion: UInt16
        /// The company identifier and its name (`bt_compidtostr`).
        public var manufacturer: UInt16
        public var manufacturerName: String

        /// A version with these values.
        public init(
            hci: UInt8, hciName: String, hciRevision: UInt16, lmp: UInt8, lmpName: String, lmpSubversion: UInt16,
            manufacturer: UInt16, manufacturerName: String
        ) {
            self.hci = hci
            self.hciName = hciName
            self.hciRevision = hciRevision
            self.lmp = lmp
            self.lmpName = lmpName
            self.lmpSubversion = lmpSubversion
            self.manufacturer = manufacturer
            self.manufacturerName = manufacturerName
        }
    }

    /// Every controller the kernel knows (`HCI_MAX_DEV` ids), or only `named`.
    public static func list(named: String? = nil) -> [HCIController] {
        (0..<Int32(HCI_MAX_DEV)).compactMap { id in
            var info = hci_dev_info()
            guard hci_devinfo(id, &info) == 0 else { return nil }
            let name = withUnsafeBytes(of: info.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let named, named != name { return nil }
            var text = [CChar](repeating: 0, count: 18)
            var bdaddr = info.bdaddr
            _ = ba2str(&bdaddr, &text)
            let isUp = info.flags & (1 << UInt32(HCI_UP)) != 0
            let features4 = withUnsafeBytes(of: info.features) { $0[4] }
            return HCIController(
                name: name, address: String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
                isUp: isUp, supportsLE: features4 & UInt8(LMP_LE) != 0,
                version: isUp ? readVersion(id) : nil)
        }
    }

    /// `hci_read_local_version` on a raw HCI socket, with a 1 s timeout.
    static func readVersion(_ id: Int32) -> Version? {
        let dd = hci_open_dev(id)
        guard dd >= 0 else { return nil }
        defer { hci_close_dev(dd) }
        var version = hci_version()
        guard hci_read_local_version(dd, &version, 1000) == 0 else { return nil }
        return Version(
            hci: version.hci_ver, hciName: Self.name(hci_vertostr(UInt32(version.hci_ver))), hciRevision: version.hci_rev,
            lmp: version.lmp_ver, lmpName: Self.name(lmp_vertostr(UInt32(version.lmp_ver))), lmpSubversion: version.lmp_subver,
            manufacturer: version.manufacturer,
            manufacturerName: bt_compidtostr(Int32(version.manufacturer)).map { String(cString: $0) } ?? "unknown")
    }

    /// A string libbluetooth allocated (and that this frees), or "unknown".
    private static func name(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "unknown" }
        defer { free(pointer) }
        let text = String(cString: pointer)
        return text.isEmpty ? "unknown" : text
    }
}
