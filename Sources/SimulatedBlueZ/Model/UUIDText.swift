/// Bluetooth UUIDs as text, the way BlueZ accepts and prints them.
enum UUIDText {
    static let baseSuffix = "-0000-1000-8000-00805f9b34fb"

    /// True for a 16-bit (`180a`), 32-bit or 128-bit UUID text.
    static func isValid(_ text: String) -> Bool {
        let hex = Set("0123456789abcdefABCDEF")
        switch text.count {
        case 4, 8: return text.allSatisfy(hex.contains)
        case 36:
            return text.enumerated().allSatisfy { index, character in
                [8, 13, 18, 23].contains(index) ? character == "-" : hex.contains(character)
            }
        default: return false
        }
    }

    /// The full lower-case 128-bit form.
    static func normalized(_ text: String) -> String {
        switch text.count {
        case 4: return ("0000" + text + baseSuffix).lowercased()
        case 8: return (text + baseSuffix).lowercased()
        default: return text.lowercased()
        }
    }

    /// The bytes an AD structure spends on this UUID: 2 or 4 when it is derived from the
    /// Bluetooth base UUID, 16 otherwise.
    static func compactSize(of uuid: String) -> Int {
        let full = normalized(uuid)
        guard full.hasSuffix(baseSuffix) else { return 16 }
        return full.hasPrefix("0000") ? 2 : 4
    }
}
