import ArgumentParser
import SetupCentral
import SetupProtocol

/// `smartsetup pair`: scan, pick, connect, authenticate, hand over credentials, follow the join.
struct PairCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pair", abstract: "Give a printer in setup mode the credentials of a Wi-Fi network.",
        discussion: "The passphrase is never taken from the command line (it would show in ps): use --passphrase-file, --passphrase-stdin, or the prompt.")

    @OptionGroup var target: TargetOptions

    @Option(help: "The network's SSID.")
    var ssid: String?

    @OptionGroup var hostWiFi: HostWiFiOptions

    @Option(help: "Read the passphrase from the first line of this file.")
    var passphraseFile: String?

    @Flag(help: "Read the passphrase from the first line of stdin.")
    var passphraseStdin = false

    @Option(help: ArgumentHelp("Refused: a passphrase on the command line shows in ps.", visibility: .hidden))
    var passphrase: String?

    @Option(help: "The network's security: open, wpa2, wpa3, wpa2-wpa3.")
    var security: String = "wpa2"

    @Flag(help: "The network does not broadcast its SSID.")
    var hidden = false

    @Option(help: ArgumentHelp("A static IPv4 address with prefix, e.g. 192.168.1.50/24.", valueName: "A/P"))
    var staticIP: String?

    @Option(help: "The gateway for --static-ip.")
    var gateway: String?

    @Option(help: "A DNS server for --static-ip (repeatable, up to 3).")
    var dns: [String] = []

    @Option(help: "The printer's hostname.")
    var hostname: String?

    @Flag(help: "Ask the printer to turn WPS off after joining.")
    var disableWPS = false

    @Flag(help: "Pair through the kiosk service (io.smartsetup1, `smartsetup serve`) instead of the adapter directly.")
    var service = false
    @Flag(help: "Pair every printer in setup mode heard during --scan-time, one after another, asking for each one's PIN on the terminal (or --button); --timeout is per printer. Exit 0 only if all succeeded, else the first failure's code.")
    var all = false

    func validate() throws {
        try hostWiFi.validate(ssid: ssid, passphraseGiven: passphraseFile != nil || passphraseStdin, hidden: hidden)
        if passphrase != nil {
            throw ValidationError("--passphrase is refused: a passphrase on the command line shows in ps. Use --passphrase-file FILE, --passphrase-stdin, or type it at the prompt.")
        }
        if passphraseFile != nil && passphraseStdin { throw ValidationError("--passphrase-file and --passphrase-stdin exclude each other") }
        if passphraseStdin && target.pinStdin { throw ValidationError("--passphrase-stdin and --pin-stdin both want stdin: give the PIN with --pin-file") }
        if passphraseStdin && !target.authenticationGiven {
            throw ValidationError("--passphrase-stdin needs --pin-file, --pin or --button (stdin is taken, no PIN can be prompted for)")
        }
        if !dns.isEmpty && staticIP == nil { throw ValidationError("--dns goes with --static-ip (with DHCP the network gives the DNS servers)") }
        guard Self.security(security) != nil else { throw ValidationError("--security must be open, wpa2, wpa3 or wpa2-wpa3") }
        if (staticIP == nil) != (gateway == nil) { throw ValidationError("--static-ip and --gateway go together") }
        if all && service { throw ValidationError("--all and --service exclude each other") }
        if all && (target.printer != nil || target.pin != nil || target.pinFile != nil || target.pinStdin) {
            throw ValidationError("--all asks for each printer's PIN on the terminal (or uses --button): it takes no --printer, --pin, --pin-file or --pin-stdin")
        }
    }

    func run() async throws {
        let console = Console(json: target.json)
        if service { return try await runReporting(console) { () throws(SetupError) in try await pairThroughService(console) } }
        if all { return try await runAll(console) }
        try await runReporting(console) { () throws(SetupError) in
            // Secrets may come from a pipe: reading them is bounded by the deadline too.
            let deadline = CommandDeadline(seconds: target.timeout)
            let request = try await deadline.run { () throws(SetupError) in try await makeRequest() }
            let service = SmartSetup(radio: try await RadioFactory.central(adapter: target.adapter), options: target.serviceOptions)
            let result = try await deadline.run { () throws(SetupError) in
                try await service.pair(request) { console.progress($0) }
            }
            console.event(
                "paired",
                ["shortId": .string(result.printer.shortID), "address": .string(result.address.description), "mtu": .int(result.mtu),
                 "roundTripsToAccepted": .int(result.untilAccepted.roundTrips)],
                text: "✓ Printer \(result.printer.shortID) joined \(networkLabel) with address \(result.address)")
        }
    }

    static func security(_ text: String) -> WiFiSecurity? {
        switch text {
        case "open": return .open
        case "wpa2", "wpa2-psk": return .wpa2PSK
        case "wpa3", "wpa3-sae": return .wpa3SAE
        case "wpa2-wpa3": return .wpa2WPA3
        default: return nil
        }
    }

    /// The network as the final line names it: the SSID given, in quotes, or the host's network
    /// (whose name `--host-wifi` keeps out of the output).
    var networkLabel: String {
        ssid.map { "\"\($0)\"" } ?? "the host's Wi-Fi network"
    }

    func makeRequest() async throws(SetupError) -> PairRequest {
        let (credentials, corrected) = try await makeCredentials()
        return PairRequest(target: try await target.target(), credentials: credentials, correctedPassphrase: corrected)
    }

    /// The network's credentials (from NetworkManager with --host-wifi, else reading the
    /// passphrase from its file, stdin or the prompt) and, on a terminal, the prompt for a
    /// corrected passphrase.
    func makeCredentials() async throws(SetupError) -> (WiFiCredentials, (@Sendable () async -> WiFiPassphrase?)?) {
        if hostWiFi.isUsed {
            return (try await hostWiFi.credentials(staticIPv4: try staticConfiguration(), hostname: hostname, disableWPS: disableWPS), nil)
        }
        let ssid = ssid ?? ""
        let security = Self.security(security) ?? .wpa2PSK
        var passphrase: WiFiPassphrase?
        if security != .open {
            let line: SecretInput.Line
            let origin: String
            if let passphraseFile {
                (line, origin) = (await SecretInput.firstLine(ofFile: passphraseFile, limit: SecretInput.passphraseLimit), passphraseFile)
            } else if passphraseStdin {
                (line, origin) = (await SecretInput.firstLineOfStandardInput(limit: SecretInput.passphraseLimit), "stdin")
            } else if SecretInput.isInteractive {
                (line, origin) = (await SecretInput.prompt("Passphrase for \"\(ssid)\": ", limit: SecretInput.passphraseLimit), "the prompt")
            } else {
                throw SetupError(.usage, "no passphrase: use --passphrase-file, --passphrase-stdin, or a terminal")
            }
            passphrase = try Self.passphrase(line, from: origin)
        }
        let staticIPv4 = try staticConfiguration()
        let credentials: WiFiCredentials
        do throws(ProtocolError) {
            credentials = try WiFiCredentials(
                ssid: RawArguments.octets(of: "--ssid", parsed: ssid), security: security, passphrase: passphrase, isHidden: hidden,
                staticIPv4: staticIPv4, hostname: hostname, disableWPS: disableWPS)
        } catch {
            throw SetupError(.usage, "invalid network settings: \(error.message)", cause: error)
        }
        var corrected: (@Sendable () async -> WiFiPassphrase?)?
        if SecretInput.isInteractive && passphraseFile == nil && !passphraseStdin {
            corrected = {
                let line = await SecretInput.prompt(
                    "The network rejected the passphrase. Corrected passphrase (empty to give up): ", limit: SecretInput.passphraseLimit)
                guard case .line(let octets) = line, !octets.isEmpty else { return nil }
                return try? WiFiPassphrase(octets)
            }
        }
        return (credentials, corrected)
    }

    /// The passphrase in a line read from `origin`; never shows the line.
    static func passphrase(_ line: SecretInput.Line, from origin: String) throws(SetupError) -> WiFiPassphrase {
        switch line {
        case .line(let octets):
            do { return try WiFiPassphrase(octets) } catch {
                throw SetupError(.usage, "the passphrase from \(origin) is invalid: must be 8 to 63 printable ASCII characters or 64 hexadecimal digits")
            }
        case .tooLong: throw SetupError(.usage, "the first line of \(origin) is longer than a passphrase can be (64 octets)")
        case .unreadable: throw SetupError(.usage, "cannot read a passphrase from \(origin)")
        case .cancelled: throw SetupError(.timedOut, "no passphrase arrived on \(origin) in time")
        }
    }

    /// The `--static-ip` / `--gateway` / `--dns` settings, checked; nil without `--static-ip`.
    func staticConfiguration() throws(SetupError) -> StaticIPv4? {
        guard let staticIP, let gateway else { return nil }
        guard let interface = Self.interface(staticIP), let gatewayAddress = Self.address(gateway) else {
            throw SetupError(.usage, "--static-ip must be a.b.c.d/prefix and --gateway a.b.c.d")
        }
        let servers = dns.compactMap(Self.address)
        guard servers.count == dns.count else { throw SetupError(.usage, "--dns must be a.b.c.d") }
        do { return try StaticIPv4(interface: interface, gateway: gatewayAddress, dnsServers: servers) } catch {
            throw SetupError(.usage, "invalid static configuration (prefix 1-32, at most 3 DNS servers)")
        }
    }

    /// "a.b.c.d": four decimal octets of one to three digits each, nothing else.
    static func address(_ text: String) -> IPv4Address? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let octets = parts.compactMap { part -> UInt8? in
            guard (1...3).contains(part.count), part.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
            return UInt8(part)
        }
        return octets.count == 4 ? try? IPv4Address(octets) : nil
    }

    /// "a.b.c.d/prefix", with a decimal prefix of one or two digits.
    static func interface(_ text: String) -> IPv4Interface? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = address(String(parts[0])), (1...2).contains(parts[1].count),
              parts[1].allSatisfy({ ("0"..."9").contains($0) }), let prefix = UInt8(parts[1]) else { return nil }
        return try? IPv4Interface(address: address, prefixLength: prefix)
    }
}
