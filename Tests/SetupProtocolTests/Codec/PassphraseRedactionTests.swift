import SetupProtocol
import Testing

/// No way of printing credentials shows the passphrase: description, debug description,
/// `dump()` and `Mirror` alike.
@Suite struct PassphraseRedactionTests {
    @Test func credentialsNeverShowThePassphrase() throws {
        let passphrase = try WiFiPassphrase("correct horse battery")
        let credentials = try WiFiCredentials(ssid: Array("HomeNet".utf8), security: .wpa2PSK, passphrase: passphrase)
        var dumpedCredentials = ""
        dump(credentials, to: &dumpedCredentials)
        var dumpedPassphrase = ""
        dump(passphrase, to: &dumpedPassphrase)
        let mirrored = Mirror(reflecting: passphrase).children.map { "\($0.label ?? ""): \($0.value)" }.joined()
        for text in [
            credentials.description, String(reflecting: credentials), dumpedCredentials, passphrase.description,
            passphrase.debugDescription, dumpedPassphrase, mirrored,
        ] {
            #expect(!text.contains("horse"), "\(text)")
            // The octets, as a dump of an array would show them: "99" is "c".
            #expect(!text.contains("99\n") && !text.contains("104"), "\(text)")
        }
        #expect(Mirror(reflecting: passphrase).children.isEmpty)
    }
}
