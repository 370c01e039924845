import BlueZ
import DBus
import Testing
import TestSupport

@Suite(.serialized, .cleansUp, .timeLimit(.minutes(1))) struct BlueZErrorTests {
    @Test(arguments: [
        ("Failed", BlueZError.Kind.failed), ("InProgress", .inProgress), ("NotReady", .notReady),
        ("NotSupported", .notSupported), ("NotPermitted", .notPermitted), ("InvalidArguments", .invalidArguments),
        ("InvalidValueLength", .invalidValueLength), ("InvalidOffset", .invalidOffset), ("NotAuthorized", .notAuthorized),
        ("NotConnected", .notConnected), ("DoesNotExist", .doesNotExist), ("AlreadyExists", .alreadyExists),
        ("AlreadyConnected", .alreadyConnected), ("NotAvailable", .notAvailable),
        ("AuthenticationFailed", .authenticationFailed), ("AuthenticationCanceled", .authenticationCanceled),
        ("AuthenticationRejected", .authenticationRejected), ("AuthenticationTimeout", .authenticationTimeout),
        ("ConnectionAttemptFailed", .connectionAttemptFailed), ("Rejected", .rejected), ("Canceled", .canceled),
    ])
    func bluezErrorNamesMapToKindsAndBack(name: String, kind: BlueZError.Kind) {
        let error = BlueZError(DBusError(errorName: "org.bluez.Error." + name, message: "m"))
        #expect(error.kind == kind)
        #expect(error.message == "m")
        #expect(BlueZError(kind, message: "x").dbusError.name == "org.bluez.Error." + name)
    }

    @Test func attErrorsAreExtracted() {
        let error = BlueZError(DBusError(errorName: "org.bluez.Error.Failed", message: "Operation failed with ATT error: 0x0e"))
        #expect(error.kind == .att)
        #expect(error.attErrorCode == 0x0E)
        #expect(BlueZError(DBusError(errorName: "org.bluez.Error.Failed", message: "ATT error: 0x80")).attErrorCode == 0x80)
        let local = BlueZError.att(0x81)
        #expect(local.dbusError.name == "org.bluez.Error.Failed")
        #expect(local.dbusError.message == "0x81")
        #expect(BlueZError.att(5).dbusError.message == "0x05")
    }

    @Test func transportErrorsKeepTheirMeaning() {
        #expect(BlueZError(DBusError(.timedOut, message: "t")).kind == .timedOut)
        #expect(BlueZError(DBusError(.cancelled, message: "c")).kind == .cancelled)
        #expect(BlueZError(DBusError(.unknownObject, message: "u")).kind == .unknownObject)
        #expect(BlueZError(DBusError(.disconnected, message: "d")).kind == .dbus)
        #expect(BlueZError(DBusError(errorName: "com.example.Odd", message: "o")).kind == .dbus)
    }

    @Test func abortByLocalIsRecognisedAsTransient() {
        let abort = BlueZError(DBusError(errorName: "org.bluez.Error.Failed", message: "le-connection-abort-by-local"))
        #expect(abort.isLEConnectionAbortByLocal)
        #expect(ConnectPolicy.isTransient(abort))
        #expect(ConnectPolicy.isTransient(BlueZError(.inProgress, message: "In Progress")))
        #expect(!ConnectPolicy.isTransient(BlueZError(.failed, message: "Software caused connection abort")))
        #expect(!ConnectPolicy.isTransient(BlueZError(.notReady, message: "Resource Not Ready")))
    }

    @Test func descriptionsNameTheError() {
        #expect(BlueZError(.notReady, message: "Resource Not Ready").description == "org.bluez.Error.NotReady: Resource Not Ready")
        #expect(BlueZError.att(0x0E).description.contains("0xe"))
    }
}
