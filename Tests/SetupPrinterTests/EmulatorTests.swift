import Foundation
import SetupPrinter
import SetupProtocol
import Synchronization
import Testing

@Suite struct NetworkTableTests {
    @Test func decodesAValidTableAndRejectsBadEntries() throws {
        let json = #"{"networks":[{"ssid":"Lab","security":"wpa3-sae","passphrase":"lab passphrase","rssi":-40,"channel":36,"band":"5","dhcp":"static-only","joinTimeMs":10}]}"#
        let table = try NetworkTable.decode(Data(json.utf8))
        #expect(table.networks.first?.wifiSecurity == .wpa3SAE)
        #expect(table.networks.first?.dhcp == .staticOnly)
        let open = #"{"networks":[{"ssid":"X","security":"open","passphrase":"should not be here","rssi":-40,"channel":1,"band":"2.4","dhcp":"ok","joinTimeMs":1}]}"#
        #expect(throws: NetworkTable.LoadError.self) { try NetworkTable.decode(Data(open.utf8)) }
        let band = #"{"networks":[{"ssid":"X","security":"open","rssi":-40,"channel":1,"band":"7","dhcp":"ok","joinTimeMs":1}]}"#
        #expect(throws: NetworkTable.LoadError.self) { try NetworkTable.decode(Data(band.utf8)) }
    }

    @Test func loadsFromAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("networks-\(UUID()).json").path
        try #"{"networks":[]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try NetworkTable.load(from: path).networks.isEmpty)
        #expect(throws: NetworkTable.LoadError.self) { try NetworkTable.load(from: path + ".missing") }
    }

    @Test func scanShowsBroadcastNetworksStrongestFirst() {
        let names = NetworkTable.builtIn.scanResults().map { String(decoding: $0.ssid, as: UTF8.self) }
        #expect(names.first == "HomeNet")
        #expect(!names.contains("Hidden-Lab"))
    }

    @Test func descriptionsNeverShowThePassphrase() {
        let text = NetworkTable.builtIn.networks.map(String.init(describing:)).joined()
        #expect(!text.contains("correct horse battery"))
    }
}

@Suite struct JoinSimulatorTests {
    let simulator = JoinSimulator(table: .builtIn, joinTimeout: .seconds(5))

    func finalStatus(ssid: String, security: WiFiSecurity = .wpa2PSK, passphrase: String?, hidden: Bool = false, staticIPv4: StaticIPv4? = nil) throws -> JoinStatus? {
        let credentials = try WiFiCredentials(
            ssid: Array(ssid.utf8), security: security, passphrase: try passphrase.map { try WiFiPassphrase($0) }, isHidden: hidden, staticIPv4: staticIPv4)
        return simulator.plan(for: credentials).last?.status
    }

    @Test func everyOutcome() throws {
        let home = try IPv4Interface(address: IPv4Address(192, 168, 1, 57), prefixLength: 24)
        #expect(try finalStatus(ssid: "HomeNet", passphrase: "correct horse battery") == .connected(home))
        #expect(try finalStatus(ssid: "HomeNet", passphrase: "wrong passphrase") == .failed(.wrongPassphrase))
        #expect(try finalStatus(ssid: "Nowhere", passphrase: "whatever passphrase") == .failed(.networkNotFound))
        #expect(try finalStatus(ssid: "Hidden-Lab", passphrase: "hidden lab passphrase") == .failed(.networkNotFound))
        guard case .connected = try finalStatus(ssid: "Hidden-Lab", passphrase: "hidden lab passphrase", hidden: true) else {
            Issue.record("a hidden network joins when the client says hidden"); return
        }
        #expect(try finalStatus(ssid: "NoDHCP", passphrase: "no dhcp here") == .failed(.noAddress))
        #expect(try finalStatus(ssid: "StaticOnly", passphrase: "static only net") == .failed(.noAddress))
        let fixed = try StaticIPv4(interface: try IPv4Interface(address: IPv4Address(10, 0, 0, 9), prefixLength: 8), gateway: IPv4Address(10, 0, 0, 1), dnsServers: [])
        #expect(try finalStatus(ssid: "StaticOnly", passphrase: "static only net", staticIPv4: fixed) == .connected(fixed.interface))
        #expect(try finalStatus(ssid: "SlowAP", passphrase: "slow access point") == .failed(.timedOut))
        #expect(try finalStatus(ssid: "Guest", security: .wpa2PSK, passphrase: "some passphrase") == .failed(.unsupportedSecurity))
        guard case .connected = try finalStatus(ssid: "Guest", security: .open, passphrase: nil) else { Issue.record("open network"); return }
    }

    @Test func withoutWPA3TheWPA3NetworkIsUnsupported() throws {
        let noWPA3 = JoinSimulator(table: .builtIn, supportsWPA3: false)
        let credentials = try WiFiCredentials(ssid: Array("Office-WPA3".utf8), security: .wpa3SAE, passphrase: try WiFiPassphrase("staple battery horse"))
        #expect(noWPA3.plan(for: credentials).last?.status == .failed(.unsupportedSecurity))
    }
}

@Suite struct PresenterTests {
    @Test func displayModeShowsPINAndShortID() async throws {
        let lines = Mutex<[String]>([])
        let printer = try EmulatedPrinter(configuration: EmulatorConfiguration(shortID: ShortID(0x3F0A)), output: { line in lines.withLock { $0.append(line) } })
        await printer.start()
        let pin = try #require(printer.presentedPIN)
        let shown = lines.withLock { $0.joined(separator: "\n") }
        #expect(shown.contains("short id 3F0A"))
        #expect(shown.contains(pin.revealedForDisplay()))
    }

    @Test func logLinesNameThePrinter() throws {
        let lines = Mutex<[String]>([])
        let printer = try EmulatedPrinter(configuration: EmulatorConfiguration(shortID: ShortID(0x3F0A)), output: { line in lines.withLock { $0.append(line) } })
        printer.log("warning: something")
        #expect(lines.withLock { $0 } == ["[printer 3F0A] warning: something"])
    }

    @Test func printedModeWritesThePageAndKeepsThePINOffTheOutput() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("page-\(UUID()).txt").path
        let lines = Mutex<[String]>([])
        let configuration = EmulatorConfiguration(shortID: ShortID(0xBEEF), authMethod: .printedPIN, pagePath: path)
        let printer = try EmulatedPrinter(configuration: configuration, output: { line in lines.withLock { $0.append(line) } })
        await printer.start()
        let pin = try #require(printer.presentedPIN)
        let page = try String(contentsOfFile: path, encoding: .utf8)
        #expect(page.contains("Wi-Fi setup PIN: \(pin.revealedForDisplay())"))
        #expect(page.contains("short id: BEEF"))
        #expect(!lines.withLock { $0.joined() }.contains(pin.revealedForDisplay()))
    }

    @Test func advertisementFitsTheLegacyPDU() async throws {
        let printer = try EmulatedPrinter(configuration: EmulatorConfiguration(shortID: ShortID(0x1234), authMethod: .button), output: { _ in })
        await printer.start()
        let advertisement = await printer.currentAdvertisement()
        #expect(advertisement.authMethod == .button)
        #expect(advertisement.advertisingData().count <= SetupAdvertisement.legacyAdvertisingDataLimit)
        #expect(try PublicInfo(decoding: printer.infoValue()).shortID == ShortID(0x1234))
    }
}
