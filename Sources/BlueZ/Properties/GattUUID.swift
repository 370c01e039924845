/// Bluetooth UUIDs as BlueZ spells them: lower-case 128-bit strings (`0000180a-0000-1000-8000-00805f9b34fb`).
public enum GattUUID {
    /// The Bluetooth base UUID's tail after the 16/32-bit part.
    static let baseSuffix = "-0000-1000-8000-00805f9b34fb"

    /// `uuid` in BlueZ's form: 16-bit ("180a", "0x180A") and 32-bit short forms are expanded
    /// onto the Bluetooth base UUID; 128-bit forms are lower-cased. Anything else is returned
    /// lower-cased as is.
    public static func normalized(_ uuid: String) -> String {
        var text = uuid.lowercased()
        if text.hasPrefix("0x") { text.removeFirst(2) }
        guard text.allSatisfy(\.isHexDigit) else { return text }
        switch text.count {
        case 4: return "0000" + text + baseSuffix
        case 8: return text + baseSuffix
        default: return text
        }
    }

    /// The 128-bit form of a 16-bit UUID.
    public static func from16(_ value: UInt16) -> String {
        let hex = String(value, radix: 16)
        return normalized(String(repeating: "0", count: 4 - hex.count) + hex)
    }
}
