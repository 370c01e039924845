import Foundation
import SetupProtocol

/// The networks around the emulated printer: loaded from a JSON file or the built-in default.
public struct NetworkTable: Hashable, Sendable, Codable {
    /// The networks.
    public var networks: [WiFiNetwork]

    /// Creates a table.
    public init(networks: [WiFiNetwork]) { self.networks = networks }

    /// Why a table file was rejected.
    public struct LoadError: Error, CustomStringConvertible, Sendable {
        /// A secret-free explanation.
        public let description: String
    }

    /// Loads `{"networks": [...]}` from `path` and validates every entry.
    public static func load(from path: String) throws(LoadError) -> NetworkTable {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw LoadError(description: "cannot read \(path)") }
        return try decode(data)
    }

    /// Decodes and validates a table.
    public static func decode(_ data: Data) throws(LoadError) -> NetworkTable {
        let table: NetworkTable
        do { table = try JSONDecoder().decode(NetworkTable.self, from: data) } catch {
            throw LoadError(description: "not a network table: \(Self.explain(error))")
        }
        for network in table.networks {
            guard (1...32).contains(network.ssid.utf8.count) else { throw LoadError(description: "SSID must be 1-32 octets") }
            guard let security = network.wifiSecurity else { throw LoadError(description: "\(network.ssid): unknown security \(network.security)") }
            guard network.wifiBand != nil else { throw LoadError(description: "\(network.ssid): unknown band \(network.band)") }
            guard (1...233).contains(network.channel) else { throw LoadError(description: "\(network.ssid): channel out of range") }
            guard (security == .open) == (network.passphrase == nil) else {
                throw LoadError(description: "\(network.ssid): a passphrase is needed exactly when the network is not open")
            }
            if let address = network.address, parseInterface(address) == nil {
                throw LoadError(description: "\(network.ssid): address must be a.b.c.d/prefix")
            }
        }
        return table
    }

    /// The network called `ssid`, if any.
    public func network(named ssid: [UInt8]) -> WiFiNetwork? {
        networks.first { Array($0.ssid.utf8) == ssid }
    }

    /// What a scan sees: every network that broadcasts its SSID, strongest first.
    public func scanResults() -> [ScanResult] {
        networks.filter { $0.hidden != true }.sorted { $0.rssi > $1.rssi }.compactMap { network in
            guard let security = network.wifiSecurity, let band = network.wifiBand else { return nil }
            return try? ScanResult(
                ssid: Array(network.ssid.utf8), rssi: Int8(clamping: network.rssi), security: security,
                channel: UInt16(clamping: network.channel), band: band)
        }
    }

    /// The built-in table: one network per outcome of the protocol.
    public static let builtIn = NetworkTable(networks: [
        WiFiNetwork(ssid: "HomeNet", security: "wpa2-psk", passphrase: "correct horse battery", rssi: -45, channel: 6, band: "2.4",
                    address: "192.168.1.57/24"),
        WiFiNetwork(ssid: "Office-WPA3", security: "wpa3-sae", passphrase: "staple battery horse", rssi: -60, channel: 36, band: "5",
                    address: "10.20.0.31/16"),
        WiFiNetwork(ssid: "Guest", security: "open", passphrase: nil, rssi: -70, channel: 11, band: "2.4", address: "172.16.5.9/24"),
        WiFiNetwork(ssid: "Hidden-Lab", security: "wpa2-psk", passphrase: "hidden lab passphrase", rssi: -55, channel: 1, band: "2.4",
                    hidden: true, address: "192.168.50.20/24"),
        WiFiNetwork(ssid: "NoDHCP", security: "wpa2-psk", passphrase: "no dhcp here", rssi: -58, channel: 44, band: "5", dhcp: .noAddress),
        WiFiNetwork(ssid: "StaticOnly", security: "wpa2-psk", passphrase: "static only net", rssi: -62, channel: 149, band: "5", dhcp: .staticOnly),
        WiFiNetwork(ssid: "SlowAP", security: "wpa2-psk", passphrase: "slow access point", rssi: -80, channel: 3, band: "2.4",
                    joinTimeMs: 600_000, address: "192.168.9.9/24"),
    ])
}

/// Parses "a.b.c.d/prefix".
func parseInterface(_ text: String) -> IPv4Interface? {
    let parts = text.split(separator: "/")
    guard parts.count == 2, let prefix = UInt8(parts[1]) else { return nil }
    let octets = parts[0].split(separator: ".").compactMap { UInt8($0) }
    guard octets.count == 4, let address = try? IPv4Address(octets) else { return nil }
    return try? IPv4Interface(address: address, prefixLength: prefix)
}

extension NetworkTable {
    /// A JSON decoding failure in words: which key or value was wrong and where.
    static func explain(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not valid JSON" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the top level" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "\"\(key.stringValue)\" is missing at \(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(path(context)) has the wrong type"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context)) is invalid"
        @unknown default: return "not valid JSON"
        }
    }
}
