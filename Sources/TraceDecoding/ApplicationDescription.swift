import SetupProtocol

/// Names and fields of an opened application message (SPEC §8), for a person. A passphrase shows
/// as its length unless the caller asks for secrets.
enum ApplicationDescription {
    static func describe(_ plaintext: [UInt8], showSecrets: Bool) -> (String, [TraceField]) {
        let message: ApplicationMessage
        do { message = try ApplicationMessage.decode(plaintext) } catch {
            return ("Undecodable", [TraceField("octets", "\(plaintext.count)"), TraceField("error", error.message)])
        }
        switch message {
        case .deviceInfoRequest: return ("DeviceInfoRequest", [])
        case .deviceInfo(let info):
            return ("DeviceInfo", [
                TraceField("model", info.model), TraceField("serial", info.serial), TraceField("firmware", info.firmware),
                TraceField("MAC", info.macAddress.map { TraceDecoder.hex([$0]) }.joined(separator: ":")),
            ])
        case .scanRequest: return ("ScanRequest", [])
        case .scanResults(let results):
            return ("ScanResults", [TraceField("networks", "\(results.count)")] + results.enumerated().map { index, network in
                TraceField("network \(index + 1)", "\(ssid(network.ssid)), \(network.rssi) dBm, \(network.security), channel \(network.channel), \(network.band)")
            })
        case .setCredentials(let credentials):
            var fields = [TraceField("SSID", ssid(credentials.ssid)), TraceField("security", "\(credentials.security)")]
            if let passphrase = credentials.passphrase {
                fields.append(TraceField("passphrase", showSecrets
                    ? String(decoding: passphrase.octets, as: UTF8.self) : "<\(passphrase.octets.count) octets>"))
            }
            if credentials.isHidden { fields.append(TraceField("hidden", "true")) }
            if let address = credentials.staticIPv4 { fields.append(TraceField("static IPv4", "\(address)")) }
            if let hostname = credentials.hostname { fields.append(TraceField("hostname", hostname)) }
            if credentials.disableWPS { fields.append(TraceField("disable WPS", "true")) }
            return ("SetCredentials", fields)
        case .joinStatus(let status):
            switch status {
            case .received: return ("JoinStatus", [TraceField("stage", "received")])
            case .associating: return ("JoinStatus", [TraceField("stage", "associating")])
            case .authenticating: return ("JoinStatus", [TraceField("stage", "authenticating")])
            case .obtainingAddress: return ("JoinStatus", [TraceField("stage", "obtaining address")])
            case .connected(let interface): return ("JoinStatus", [TraceField("stage", "connected"), TraceField("address", "\(interface)")])
            case .failed(let reason): return ("JoinStatus", [TraceField("stage", "failed"), TraceField("reason", "\(reason)")])
            }
        case .identify(let action): return ("Identify", [TraceField("action", "\(action)")])
        case .resetNetwork: return ("ResetNetwork", [])
        case .acknowledge(let type): return ("Acknowledge", [TraceField("request type", TraceDecoder.hex([type]))])
        case .error(let report): return ("Error", TraceDecoder.fields(of: report))
        }
    }

    /// An SSID as text when it is UTF-8 without control characters, else as hex.
    static func ssid(_ octets: [UInt8]) -> String {
        if let text = String(validating: octets, as: UTF8.self), !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            return "\"\(text)\""
        }
        return "hex " + TraceDecoder.hex(octets)
    }
}
