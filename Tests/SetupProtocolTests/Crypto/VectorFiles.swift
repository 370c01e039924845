import Foundation

/// Locates and decodes the JSON files these tests read: `Protocol/vectors/*.json` at the
/// repository root, and fixtures next to these tests; paths are relative to this file.
enum VectorFiles {
    static let cryptoTestsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repositoryRoot = cryptoTestsDirectory
        .deletingLastPathComponent()  // SetupProtocolTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// Decodes `Protocol/vectors/<name>`.
    static func protocolVector<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let url = repositoryRoot.appendingPathComponent("Protocol/vectors").appendingPathComponent(name)
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    /// Decodes `Tests/SetupProtocolTests/Crypto/Fixtures/<name>`.
    static func fixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let url = cryptoTestsDirectory.appendingPathComponent("Fixtures").appendingPathComponent(name)
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }
}

/// Hex strings as the vector files write them.
enum Hex {
    struct InvalidHex: Error {}

    static func decode(_ text: String) throws -> [UInt8] {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { throw InvalidHex() }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { throw InvalidHex() }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    static func encode(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// A big-endian "0x…" integer (as RFC 9380's vectors print field elements) as 32 little-endian bytes.
    static func littleEndianFromBigEndianInteger(_ text: String) throws -> [UInt8] {
        let digits = text.hasPrefix("0x") ? String(text.dropFirst(2)) : text
        let padded = String(repeating: "0", count: max(0, 64 - digits.count)) + digits
        return try decode(padded).reversed()
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
