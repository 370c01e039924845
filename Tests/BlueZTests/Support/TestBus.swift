import BlueZ
import DBus
import TestSupport

/// A private bus with a fake org.bluez and a client session, torn down after `body` (the bus by
/// TestSupport's `withPrivateBus`).
@discardableResult
func withFakeBlueZ<T>(
    device: Bool = true, gatt: Bool = false,
    _ body: (FakeBlueZ, BlueZSession) async throws -> T
) async throws -> T {
    try await withPrivateBus { bus in
        let fake = try await FakeBlueZ.start(address: bus.address)
        defer { fake.close() }
        if device { try fake.addDevice() }
        if gatt { try fake.addGattObjects() }
        let client = try await DBusConnection.open(.address(bus.address), timeout: .seconds(30))
        defer { client.close() }
        let session = try await BlueZSession.open(client, timeout: .seconds(30))
        defer { session.close() }
        return try await body(fake, session)
    }
}

/// A deadline far enough away that only a hang reaches it.
func generous() -> ContinuousClock.Instant {
    .now + .seconds(30)
}

/// Object paths the fake uses.
enum FakePaths {
    static let adapter = path("/org/bluez/hci0")
    static let device = path("/org/bluez/hci0/dev_00_AA_01_01_00_01")
    static let otherDevice = path("/org/bluez/hci0/dev_00_AA_01_01_00_02")
    static let service = path("/org/bluez/hci0/dev_00_AA_01_01_00_01/service000a")
    static let characteristic = path("/org/bluez/hci0/dev_00_AA_01_01_00_01/service000a/char000b")

    static func path(_ text: String) -> DBusObjectPath {
        // Test constants; valid by construction.
        try! DBusObjectPath(text)
    }
}
