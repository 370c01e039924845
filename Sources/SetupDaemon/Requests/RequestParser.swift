import DBus
import SetupCentral
import SetupProtocol

/// Checks an `a{sv}` request against the rules of `Protocol/dbus-api.md` ("Request keys") and
/// turns it into a ``JobRequest``; the first broken rule is thrown as a ``RequestError``.
public struct RequestParser: Sendable {
    /// The adapters the daemon uses now (for the `Adapter` key).
    public var adapters: [String]
    /// Bounds (passphrase deadline, default timeout).
    public var limits: DaemonLimits

    /// A parser for requests on `adapters`.
    public init(adapters: [String], limits: DaemonLimits) {
        self.adapters = adapters
        self.limits = limits
    }

    /// The keys each kind of request takes.
    public static func keys(for kind: JobKind) -> [String] {
        let common = ["Printer", "Adapter", "PIN", "Button", "Timeout"]
        switch kind {
        case .pair: return common + ["SSID", "Security", "Passphrase", "Hidden", "StaticIPv4", "Hostname", "DisableWPS"]
        case .identify: return common + ["Action"]
        case .wifiScan, .reset: return common
        }
    }

    /// Parses `request` for a job of `kind`; reads the `Passphrase` descriptor.
    public func parse(_ kind: JobKind, _ request: [String: DBusValue]) async throws(RequestError) -> JobRequest {
        let allowed = Self.keys(for: kind)
        for key in request.keys.sorted() where !allowed.contains(key) {
            throw RequestError(key, "unknown key (\(kind.methodName) takes \(allowed.joined(separator: ", ")))")
        }
        let values = Values(request)
        let printer = try values.string("Printer")
        if let printer { guard (1...248).contains(printer.utf8.count) else { throw RequestError("Printer", "must be 1 to 248 octets") } }
        let adapter = try values.string("Adapter")
        if let adapter { guard adapters.contains(adapter) else { throw RequestError("Adapter", "not an adapter the service uses (\(adapters.joined(separator: ", ")))") } }
        let authentication = try Self.authentication(values)
        var timeout = limits.defaultJobTimeout
        if let seconds = try values.double("Timeout") {
            guard seconds > 0, seconds <= 86_400, seconds.isFinite else { throw RequestError("Timeout", "must be above 0 and at most 86400 seconds") }
            timeout = .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
        var parsed = JobRequest(kind: kind, printer: printer, adapter: adapter, authentication: authentication, timeout: timeout)
        switch kind {
        case .pair: parsed.credentials = try await credentials(values)
        case .identify:
            if let action = try values.string("Action") {
                guard let value = Self.actions[action] else { throw RequestError("Action", "must be blink, beep or print-pin-page") }
                parsed.action = value
            }
        case .wifiScan, .reset: break
        }
        return parsed
    }

    static let actions: [String: IdentifyAction] = ["blink": .blink, "beep": .beep, "print-pin-page": .printPINPage]
    static let securities: [String: WiFiSecurity] = ["open": .open, "wpa2": .wpa2PSK, "wpa3": .wpa3SAE, "wpa2-wpa3": .wpa2WPA3]

    static func authentication(_ values: Values) throws(RequestError) -> JobRequest.Authentication {
        let pin = try values.string("PIN")
        let button = try values.bool("Button")
        if button == false { throw RequestError("Button", "must be true when given") }
        switch (pin, button) {
        case (.some, .some): throw RequestError("PIN", "excludes Button")
        case (.some(let text), nil):
            do { return .pin(try SetupPIN(validating: text)) } catch {
                throw RequestError("PIN", "must be the printer's 8 digits, the last one the WPS checksum")
            }
        case (nil, .some): return .button
        case (nil, nil): return .agent
        }
    }

    func credentials(_ values: Values) async throws(RequestError) -> WiFiCredentials {
        guard let ssid = try values.bytes("SSID") else { throw RequestError("SSID", "is required") }
        guard (1...32).contains(ssid.count) else { throw RequestError("SSID", "must be 1 to 32 octets") }
        var security = WiFiSecurity.wpa2PSK
        if let text = try values.string("Security") {
            guard let value = Self.securities[text] else { throw RequestError("Security", "must be open, wpa2, wpa3 or wpa2-wpa3") }
            security = value
        }
        let staticIPv4 = try Self.staticIPv4(values)
        let hostname = try values.string("Hostname")
        let hidden = try values.bool("Hidden") ?? false
        let disableWPS = try values.bool("DisableWPS") ?? false
        var passphrase: WiFiPassphrase?
        switch (security, try values.descriptor("Passphrase")) {
        case (.open, .some): throw RequestError("Passphrase", "an open network takes none")
        case (.open, nil): break
        case (_, nil): throw RequestError("Passphrase", "is required unless Security is open")
        case (_, .some(let descriptor)):
            passphrase = try await PassphraseReader.read(descriptor, key: "Passphrase", within: limits.passphraseReadDeadline)
        }
        do {
            return try WiFiCredentials(
                ssid: ssid, security: security, passphrase: passphrase, isHidden: hidden, staticIPv4: staticIPv4, hostname: hostname,
                disableWPS: disableWPS)
        } catch {
            switch error.kind {
            case .invalidField(let field) where field == .hostname:
                throw RequestError("Hostname", "must be 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen")
            default:
                throw RequestError("Passphrase", "does not fit Security \(security == .wpa3SAE ? "wpa3" : "wpa2-wpa3") (64 hexadecimal digits are for wpa2 only)")
            }
        }
    }

    static func staticIPv4(_ values: Values) throws(RequestError) -> StaticIPv4? {
        guard let value = values.rawValue("StaticIPv4") else { return nil }
        let rule = "must be a{sv} with Address (s, a.b.c.d/p, prefix 1-32), Gateway (s, a.b.c.d) and optionally DNS (as, up to 3 addresses)"
        guard let dictionary = try? value.propertyDictionary() else { throw RequestError("StaticIPv4", rule) }
        for key in dictionary.keys.sorted() where !["Address", "Gateway", "DNS"].contains(key) {
            throw RequestError("StaticIPv4", "unknown key \(key); " + rule)
        }
        let nested = Values(dictionary.mapValues { .variant($0) })
        guard let addressText = try? nested.string("Address"), let gatewayText = try? nested.string("Gateway") else { throw RequestError("StaticIPv4", rule) }
        let parts = addressText.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = Self.ipv4(String(parts[0])), let prefix = UInt8(parts[1]), (1...32).contains(prefix),
            let gateway = Self.ipv4(gatewayText)
        else { throw RequestError("StaticIPv4", rule) }
        let dnsTexts = (try? nested.strings("DNS")) ?? nil
        if nested.rawValue("DNS") != nil && dnsTexts == nil { throw RequestError("StaticIPv4", rule) }
        var dns: [IPv4Address] = []
        for text in dnsTexts ?? [] {
            guard let server = Self.ipv4(text) else { throw RequestError("StaticIPv4", rule) }
            dns.append(server)
        }
        do {
            return try StaticIPv4(interface: IPv4Interface(address: address, prefixLength: prefix), gateway: gateway, dnsServers: dns)
        } catch { throw RequestError("StaticIPv4", rule) }
    }

    static func ipv4(_ text: String) -> IPv4Address? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), let value = UInt8(part) else { return nil }
            octets.append(value)
        }
        return try? IPv4Address(octets)
    }

    /// Typed access to the request's variants; a wrong type names the key and the expected type.
    struct Values {
        let raw: [String: DBusValue]

        init(_ raw: [String: DBusValue]) { self.raw = raw }

        /// The value of `key` without its variant.
        func rawValue(_ key: String) -> DBusValue? { value(key) }

        private func value(_ key: String) -> DBusValue? {
            guard let value = raw[key] else { return nil }
            if case .variant(let inner) = value { return inner }
            return value
        }

        func string(_ key: String) throws(RequestError) -> String? {
            guard let value = value(key) else { return nil }
            guard case .string(let text) = value else { throw RequestError(key, "must be a string (s)") }
            return text
        }

        func strings(_ key: String) throws(RequestError) -> [String]? {
            guard let value = value(key) else { return nil }
            guard let strings = try? value.stringArray() else { throw RequestError(key, "must be an array of strings (as)") }
            return strings
        }

        func bool(_ key: String) throws(RequestError) -> Bool? {
            guard let value = value(key) else { return nil }
            guard case .boolean(let flag) = value else { throw RequestError(key, "must be a boolean (b)") }
            return flag
        }

        func double(_ key: String) throws(RequestError) -> Double? {
            guard let value = value(key) else { return nil }
            guard case .double(let number) = value else { throw RequestError(key, "must be a double (d), in seconds") }
            return number
        }

        func bytes(_ key: String) throws(RequestError) -> [UInt8]? {
            guard let value = value(key) else { return nil }
            guard case .array(.byte, _) = value, let octets = try? value.bytes() else { throw RequestError(key, "must be a byte array (ay)") }
            return octets
        }

        func descriptor(_ key: String) throws(RequestError) -> DBusUnixFD? {
            guard let value = value(key) else { return nil }
            guard case .unixFD(let fd) = value else { throw RequestError(key, "must be a file descriptor (h)") }
            return fd
        }
    }
}
