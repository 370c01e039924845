import BlueZ
import DBus
import Dispatch

/// A private bus with a fake org.bluez and a client session, torn down after `body`.
@discardableResult
func withFakeBlueZ<T>(
    device: Bool = true, gatt: Bool = false,
    _ body: (FakeBlueZ, BlueZSession) async throws -> T
) async throws -> T {
    let bus = try await startBus()
    let result: Result<T, any Error>
    do {
        let fake = try await FakeBlueZ.start(address: bus.address)
        defer { fake.close() }
        if device { try fake.addDevice() }
        if gatt { try fake.addGattObjects() }
        let client = try await DBusConnection.open(.address(bus.address), timeout: .seconds(30))
        defer { client.close() }
        let session = try await BlueZSession.open(client, timeout: .seconds(30))
        defer { session.close() }
        result = .success(try await body(fake, session))
    } catch {
        result = .failure(error)
    }
    await stopBus(bus)
    return try result.get()
}

/// Starts a private dbus-daemon on a Dispatch thread: its start-up wait blocks, and the
/// cooperative pool (2 threads here) must not be blocked while other tests run.
func startBus() async throws -> PrivateBusDaemon {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { () throws(DBusError) in try PrivateBusDaemon() })
        }
    }
}

/// Stops a private dbus-daemon on a Dispatch thread (stopping waits for the process).
func stopBus(_ bus: PrivateBusDaemon) async {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            bus.stop()
            continuation.resume()
        }
    }
}

/// A deadline far enough away that only a hang reaches it.
func generous() -> ContinuousClock.Instant {
    .now + .seconds(30)
}

/// Polls `condition` (every 5 ms) until it holds; throws after 30 s. For state a test
/// cannot await directly (what the fake recorded).
func eventually(_ what: String, _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(30)
    while !condition() {
        guard ContinuousClock.now < deadline else { throw BlueZError(.timedOut, message: "never: \(what)") }
        try await Task.sleep(for: .milliseconds(5))
    }
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
