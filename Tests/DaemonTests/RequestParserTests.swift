#if canImport(Glibc)
import Glibc
#endif
import DBus
import SetupDaemon
import SetupProtocol
import Testing

/// A pipe's read end holding `octets` (the write end closed unless `keepOpen`).
func passphrasePipe(_ octets: [UInt8], keepOpen: Bool = false) -> (DBusUnixFD, writer: Int32?) {
    var ends: [Int32] = [0, 0]
    _ = pipe(&ends)
    _ = octets.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) }
    if keepOpen { return (DBusUnixFD(takingOwnershipOf: ends[0]), ends[1]) }
    close(ends[1])
    return (DBusUnixFD(takingOwnershipOf: ends[0]), nil)
}

@Suite struct RequestParserTests {
    let parser: RequestParser = {
        var limits = DaemonLimits()
        limits.passphraseReadDeadline = .milliseconds(300)
        return RequestParser(adapters: ["hci0"], limits: limits)
    }()

    private func pair(_ extra: [String: DBusValue], passphrase: [UInt8]? = Array("correct horse battery".utf8)) -> [String: DBusValue] {
        var request: [String: DBusValue] = ["SSID": .bytes(Array("HomeNet".utf8))]
        if let passphrase { request["Passphrase"] = .unixFD(passphrasePipe(passphrase).0) }
        return request.merging(extra) { $1 }
    }

    private func refusal(_ kind: JobKind, _ request: [String: DBusValue]) async -> RequestError? {
        do {
            _ = try await parser.parse(kind, request)
            return nil
        } catch {
            return error
        }
    }

    @Test func aGoodPairRequestIsParsed() async throws {
        let request = try await parser.parse(.pair, pair([
            "Printer": .string("3F0A"), "Adapter": .string("hci0"), "PIN": .string("1234-5670"), "Hidden": .boolean(true),
            "Hostname": .string("printer-1"), "DisableWPS": .boolean(true), "Timeout": .double(30),
            "StaticIPv4": .propertyDictionary(["Address": .string("192.168.1.50/24"), "Gateway": .string("192.168.1.1"), "DNS": .stringArray(["1.1.1.1"])]),
        ], passphrase: Array("correct horse battery\n".utf8)))
        #expect(request.printer == "3F0A" && request.adapter == "hci0" && request.timeout == .seconds(30))
        guard case .pin = request.authentication else { Issue.record("no PIN"); return }
        let credentials = try #require(request.credentials)
        #expect(credentials.passphrase == (try WiFiPassphrase("correct horse battery")))
        #expect(credentials.isHidden && credentials.disableWPS && credentials.hostname == "printer-1")
        #expect(credentials.staticIPv4?.dnsServers.map(\.description) == ["1.1.1.1"])
    }

    @Test func withoutPINOrButtonTheAgentIsAsked() async throws {
        let request = try await parser.parse(.reset, [:])
        guard case .agent = request.authentication else { Issue.record("not the agent"); return }
        #expect(request.timeout == .seconds(180))
    }

    @Test(arguments: [
        (["Colour": DBusValue.string("red")], "Colour: unknown key"),
        (["Printer": .uint32(1)], "Printer: must be a string (s)"),
        (["Printer": .string("")], "Printer: must be 1 to 248 octets"),
        (["Adapter": .string("hci9")], "Adapter: not an adapter the service uses (hci0)"),
        (["PIN": .string("12345678")], "PIN: must be the printer's 8 digits"),
        (["PIN": .string("1234-5670"), "Button": .boolean(true)], "PIN: excludes Button"),
        (["Button": .boolean(false)], "Button: must be true when given"),
        (["Timeout": .double(0)], "Timeout: must be above 0 and at most 86400 seconds"),
        (["Timeout": .double(86_401)], "Timeout: must be above 0"),
        (["Timeout": .uint32(5)], "Timeout: must be a double (d)"),
        (["SSID": .bytes([])], "SSID: must be 1 to 32 octets"),
        (["SSID": .bytes(Array(repeating: 65, count: 33))], "SSID: must be 1 to 32 octets"),
        (["SSID": .string("HomeNet")], "SSID: must be a byte array (ay)"),
        (["Security": .string("wep")], "Security: must be open, wpa2, wpa3 or wpa2-wpa3"),
        (["Hostname": .string("-bad")], "Hostname: must be 1 to 63 letters"),
        (["Hidden": .string("yes")], "Hidden: must be a boolean (b)"),
        (["StaticIPv4": .propertyDictionary(["Address": .string("10.0.0.5/24")])], "StaticIPv4: must be a{sv} with Address"),
        (["StaticIPv4": .propertyDictionary(["Address": .string("10.0.0.5/33"), "Gateway": .string("10.0.0.1")])], "StaticIPv4: must be"),
        (["StaticIPv4": .propertyDictionary(["Address": .string("10.0.0.5/24"), "Gateway": .string("10.0.0.1"), "Mask": .string("x")])], "StaticIPv4: unknown key Mask"),
        (["Action": .string("blink")], "Action: unknown key (Pair takes"),
    ] as [([String: DBusValue], String)])
    func eachBadKeyIsRefusedNamingItsRule(_ extra: [String: DBusValue], _ expected: String) async {
        let error = await refusal(.pair, pair(extra))
        #expect(error?.description.hasPrefix(expected) == true, "\(String(describing: error))")
    }

    @Test func thePassphraseRules() async {
        #expect(await refusal(.pair, pair([:], passphrase: nil))?.description == "Passphrase: is required unless Security is open")
        #expect(await refusal(.pair, pair(["Security": .string("open")]))?.description == "Passphrase: an open network takes none")
        #expect(await refusal(.pair, pair(["Passphrase": .string("correct horse battery")]))?.description == "Passphrase: must be a file descriptor (h)")
        #expect(await refusal(.pair, pair([:], passphrase: Array("short".utf8)))?.key == "Passphrase")
        let psk = Array(repeating: UInt8(ascii: "a"), count: 64)
        #expect(await refusal(.pair, pair([:], passphrase: psk)) == nil)
        #expect(await refusal(.pair, pair([:], passphrase: psk + [0x0A])) == nil)
        #expect(await refusal(.pair, pair([:], passphrase: psk + [0x61]))?.description == "Passphrase: longer than 64 octets")
        #expect(await refusal(.pair, pair(["Security": .string("wpa3")], passphrase: psk))?.key == "Passphrase")
        // A writer that never closes its end: refused after the deadline, never a hang.
        let (descriptor, writer) = passphrasePipe(Array("correct horse battery".utf8), keepOpen: true)
        defer { if let writer { close(writer) } }
        let open = await refusal(.pair, pair(["Passphrase": .unixFD(descriptor)], passphrase: nil))
        #expect(open?.description.hasPrefix("Passphrase: not readable to its end within") == true, "\(String(describing: open))")
    }

    @Test func identifyTakesAnActionAndTheOthersDoNot() async throws {
        #expect(try await parser.parse(.identify, ["Action": .string("beep"), "Button": .boolean(true)]).action == .beep)
        #expect(await refusal(.identify, ["Action": .string("dance")])?.description == "Action: must be blink, beep or print-pin-page")
        #expect(await refusal(.wifiScan, ["SSID": .bytes([65])])?.key == "SSID")
    }

    @Test func historyFiltersAreChecked() throws {
        let query = try HistoryQuery(["Printer": .variant(.string("3F0A")), "Outcome": .variant(.string("failed")), "Limit": .variant(.uint32(5))])
        #expect(query.printer == "3F0A" && query.outcome == .failed && query.limit == 5)
        #expect(throws: RequestError("Outcome", "must be succeeded, failed or cancelled")) { try HistoryQuery(["Outcome": .variant(.string("queued"))]) }
        #expect(throws: RequestError("Limit", "must be 1 to 1000 (u)")) { try HistoryQuery(["Limit": .variant(.uint32(0))]) }
        #expect(throws: RequestError("Colour", "unknown key (GetHistory takes Printer, Outcome, Since, Limit)")) { try HistoryQuery(["Colour": .variant(.string(""))]) }
    }
}
