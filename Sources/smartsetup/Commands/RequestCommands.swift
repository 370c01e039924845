import ArgumentParser
import SetupCentral
import SetupProtocol

/// `smartsetup wifi-scan`: the networks the printer sees.
struct WiFiScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wifi-scan", abstract: "Ask a printer which Wi-Fi networks it sees.")

    @OptionGroup var target: TargetOptions

    func run() async throws {
        let console = Console(json: target.json)
        try await runReporting(console) { () throws(SetupError) in
            let networks = try await target.perform { service, printer throws(SetupError) in
                try await service.wifiScan(printer) { console.progress($0) }
            }
            for network in networks {
                let ssid = String(decoding: network.ssid, as: UTF8.self)
                console.event(
                    "network",
                    ["ssid": .string(ssid), "rssi": .int(Int(network.rssi)), "security": .string(Self.name(network.security)),
                     "channel": .int(Int(network.channel))],
                    text: "  \(ssid.isEmpty ? "(hidden)" : ssid)  \(network.rssi) dBm  \(Self.name(network.security))  channel \(network.channel)")
            }
        }
    }

    static func name(_ security: WiFiSecurity) -> String {
        switch security {
        case .open: return "open"
        case .wpa2PSK: return "wpa2"
        case .wpa3SAE: return "wpa3"
        case .wpa2WPA3: return "wpa2-wpa3"
        }
    }
}

/// `smartsetup identify`: blink, beep or print the PIN page.
struct IdentifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "identify", abstract: "Ask a printer to blink, beep or print its PIN page.")

    @OptionGroup var target: TargetOptions

    @Option(help: "blink, beep or print-pin-page.")
    var action: String = "blink"

    func validate() throws {
        guard Self.action(action) != nil else { throw ValidationError("--action must be blink, beep or print-pin-page") }
    }

    static func action(_ text: String) -> IdentifyAction? {
        switch text {
        case "blink": return .blink
        case "beep": return .beep
        case "print-pin-page": return .printPINPage
        default: return nil
        }
    }

    func run() async throws {
        let console = Console(json: target.json)
        try await runReporting(console) { () throws(SetupError) in
            let action = Self.action(action) ?? .blink
            try await target.perform { service, printer throws(SetupError) in
                try await service.identify(printer, action: action) { console.progress($0) }
            }
            console.event("identified", text: "✓ The printer identified itself")
        }
    }
}

/// `smartsetup reset`: forget the printer's network settings.
struct ResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reset", abstract: "Ask a printer to forget its network settings and leave setup mode.")

    @OptionGroup var target: TargetOptions

    func run() async throws {
        let console = Console(json: target.json)
        try await runReporting(console) { () throws(SetupError) in
            try await target.perform { service, printer throws(SetupError) in
                try await service.reset(printer) { console.progress($0) }
            }
            console.event("reset", text: "✓ The printer forgot its network settings")
        }
    }
}
