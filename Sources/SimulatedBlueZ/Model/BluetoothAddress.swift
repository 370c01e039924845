import DBus

/// A Bluetooth device address in BlueZ's text form, `00:AA:01:01:00:01`.
struct BluetoothAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    let text: String

    /// The public address of simulated adapter `index`, in the scheme our VM tier's btvirt
    /// controllers use: `00:AA:01:0N:00:0N`.
    static func adapter(_ index: Int) -> BluetoothAddress {
        let byte = String(index & 0xFF, radix: 16, uppercase: true)
        let two = byte.count == 1 ? "0" + byte : byte
        return BluetoothAddress(text: "00:AA:01:\(two):00:\(two)")
    }

    var description: String { text }

    /// The device node name BlueZ uses below an adapter: `dev_00_AA_01_01_00_01`.
    var deviceNodeName: String { "dev_" + text.split(separator: ":").joined(separator: "_") }

    /// The default Alias of a device without a name: the address with dashes.
    var dashed: String { text.split(separator: ":").joined(separator: "-") }

    static func < (lhs: BluetoothAddress, rhs: BluetoothAddress) -> Bool { lhs.text < rhs.text }
}

/// Object paths the simulated BlueZ serves, in bluetoothd's scheme.
enum BlueZPath {
    static func adapter(_ index: Int) throws(DBusError) -> DBusObjectPath {
        try DBusObjectPath("/org/bluez/hci\(index)")
    }

    static func device(adapter index: Int, address: BluetoothAddress) throws(DBusError) -> DBusObjectPath {
        try DBusObjectPath("/org/bluez/hci\(index)/" + address.deviceNodeName)
    }

    /// `parent/<prefix>XXXX` with the handle as four lower-case hex digits (gatt-client.c).
    static func attribute(_ parent: DBusObjectPath, prefix: String, handle: UInt16) throws(DBusError) -> DBusObjectPath {
        let digits = String(handle, radix: 16)
        return try DBusObjectPath(parent.rawValue + "/" + prefix + String(repeating: "0", count: 4 - digits.count) + digits)
    }
}
