import Testing
import DBus

@Suite struct SignatureAndNameTests {
    @Test(arguments: ["", "s", "a{sv}", "a{oa{sa{sv}}}", "(ia(sv))", "aay", "a{qv}", "ybnqiuxtdsoghv", "a(y)"])
    func validSignaturesParseAndPrintBack(text: String) throws {
        let signature = try DBusSignature(parsing: text)
        #expect(signature.rawValue == text)
        try signature.validate()
    }

    @Test(arguments: ["a", "(", "()", "(i", "{sv}", "a{vs}", "a{s}", "a{svs}", "a{(i)s}", "z", "a{sv", "i)",
                      String(repeating: "a", count: 33) + "i", String(repeating: "(", count: 33) + "i" + String(repeating: ")", count: 33),
                      String(repeating: "i", count: 256)])
    func invalidSignaturesThrow(text: String) {
        #expect { try DBusSignature(parsing: text) } throws: { ($0 as? DBusError)?.kind == .invalidSignature }
    }

    @Test func singleTypeParsing() throws {
        #expect(try DBusType(parsing: "a{sv}") == .dictionary(key: .string, value: .variant))
        #expect(throws: DBusError.self) { try DBusType(parsing: "ss") }
        #expect(throws: DBusError.self) { try DBusType(parsing: "") }
    }

    @Test func builtSignaturesValidate() {
        #expect(throws: DBusError.self) { try DBusSignature([.dictionary(key: .variant, value: .int32)]).validate() }
        #expect(throws: DBusError.self) { try DBusSignature([.structure([])]).validate() }
        var deep = DBusType.int32
        for _ in 0..<33 { deep = .array(deep) }
        #expect(throws: DBusError.self) { try DBusSignature([deep]).validate() }
    }

    @Test func busNames() {
        for good in ["org.bluez", ":1.42", "a.b-c", "_a.b", ":1.0.x"] { #expect(DBusNames.isValidBusName(good), "\(good)") }
        for bad in ["", "org", "org.", ".org", "org..x", "1org.x", "org.1x", "org.x!", ":", "o\u{0}.x",
                    "a." + String(repeating: "b", count: 254)] {
            #expect(!DBusNames.isValidBusName(bad), "\(bad)")
        }
        #expect(throws: DBusError.self) { try DBusNames.validateBusName("nope") }
    }

    @Test func interfaceMemberAndErrorNames() throws {
        #expect(DBusNames.isValidInterfaceName("org.freedesktop.DBus.Properties"))
        #expect(!DBusNames.isValidInterfaceName("org.free-desktop.x"))
        #expect(!DBusNames.isValidInterfaceName("org"))
        #expect(DBusNames.isValidErrorName("org.bluez.Error.Failed"))
        #expect(!DBusNames.isValidErrorName("Failed"))
        #expect(DBusNames.isValidMemberName("GetManagedObjects"))
        #expect(DBusNames.isValidMemberName("_x1"))
        for bad in ["", "1x", "a.b", "a-b", String(repeating: "m", count: 256)] { #expect(!DBusNames.isValidMemberName(bad)) }
        try DBusNames.validateInterfaceName("a.b")
        try DBusNames.validateMemberName("M")
        try DBusNames.validateErrorName("a.b")
        #expect(throws: DBusError.self) { try DBusNames.validateMemberName("a.b") }
        #expect(throws: DBusError.self) { try DBusNames.validateErrorName("ab") }
        #expect(throws: DBusError.self) { try DBusNames.validateInterfaceName("ab") }
    }
}
