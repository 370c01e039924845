import Testing
import DBus

#if canImport(Glibc)
import Glibc
#endif

@Suite struct BusAndRuleTests {
    @Test func addressesResolveFromTheEnvironmentOrDefaults() throws {
        let system = try DBusBusAddress.system.resolve()
        if let fromEnvironment = getenv("DBUS_SYSTEM_BUS_ADDRESS").map({ String(cString: $0) }), !fromEnvironment.isEmpty {
            #expect(system == fromEnvironment)
        } else {
            #expect(system == DBusBusAddress.defaultSystemAddress)
        }
        if let session = getenv("DBUS_SESSION_BUS_ADDRESS").map({ String(cString: $0) }), !session.isEmpty {
            #expect(try DBusBusAddress.session.resolve() == session)
        } else {
            #expect(throws: DBusError.self) { try DBusBusAddress.session.resolve() }
        }
        #expect(try DBusBusAddress.address("unix:path=/x").resolve() == "unix:path=/x")
        #expect(throws: DBusError.self) { try DBusBusAddress.address("").resolve() }
    }

    @Test func privateDaemonStopsAndCleansUp() throws {
        let daemon = try PrivateBusDaemon()
        #expect(daemon.address.hasPrefix("unix:path=\(daemon.directory)/bus.sock"))
        #expect(kill(daemon.processID, 0) == 0)
        daemon.stop()
        daemon.stop()
        #expect(kill(daemon.processID, 0) != 0)
        #expect(access(daemon.directory, F_OK) != 0)
        #expect(throws: DBusError.self) { try PrivateBusDaemon(executable: "/nonexistent/dbus-daemon", startupTimeout: .seconds(1)) }
    }

    @Test func configurationListensOnlyOnTheGivenSocket() {
        let text = PrivateBusDaemon.configuration(socketPath: "/tmp/a&b/bus.sock")
        #expect(text.contains("<listen>unix:path=/tmp/a&amp;b/bus.sock</listen>"))
        #expect(text.components(separatedBy: "<listen>").count == 2)
    }

    @Test func ruleMatchingIsLocal() throws {
        let path = try DBusObjectPath("/org/bluez/hci0/dev_1")
        var signal = DBusMessage.signal(path: path, interface: "org.freedesktop.DBus.Properties", member: "PropertiesChanged",
                                        body: [.string("org.bluez.Device1")])
        signal.sender = ":1.5"
        #expect(DBusMatchRule().matches(signal))
        #expect(DBusMatchRule(pathNamespace: try DBusObjectPath("/org/bluez")).matches(signal))
        #expect(!DBusMatchRule(pathNamespace: try DBusObjectPath("/org/blue")).matches(signal))
        #expect(DBusMatchRule(path: path, arguments: [0: "org.bluez.Device1"]).matches(signal))
        #expect(!DBusMatchRule(arguments: [0: "org.bluez.Adapter1"]).matches(signal))
        #expect(!DBusMatchRule(arguments: [1: "x"]).matches(signal))
        #expect(DBusMatchRule(sender: ":1.5").matches(signal))
        #expect(!DBusMatchRule(sender: "org.bluez").matches(signal))
        #expect(DBusMatchRule(sender: "org.bluez").matches(signal, senderOwner: ":1.5"))
        #expect(!DBusMatchRule(member: "InterfacesAdded").matches(signal))
        #expect(!DBusMatchRule(destination: ":1.9").matches(signal))
        var call = signal
        call.kind = .methodCall
        #expect(!DBusMatchRule().matches(call))
    }
}
