import DBus

/// A private `dbus-daemon` for one test case: the one bus fixture of the tests.
///
/// ``start()`` starts a ``PrivateBusDaemon`` (socket in a fresh temporary directory) and
/// registers its stop with the test case's ``CleanupScope``, so that it is stopped, and its exit
/// awaited, when the case ends, passed or failed. ``stop()`` may end it earlier; it is
/// idempotent. Starting and stopping block on the daemon process, so both run on a thread of
/// their own (`PrivateBusDaemon.start`/`terminate`), never on the cooperative pool (2 threads
/// here), which other tests need meanwhile.
/// Nothing touches the machine's buses.
public final class PrivateBus: Sendable {
    /// The daemon, for what only it offers (its process id and directory, ``kill()``).
    public let daemon: PrivateBusDaemon

    /// The bus address, for `DBusConnection.open(.address(...))` or `DBUS_SYSTEM_BUS_ADDRESS`.
    public var address: String { daemon.address }

    private init(daemon: PrivateBusDaemon) {
        self.daemon = daemon
    }

    /// Starts a private bus that lives until ``stop()`` or the end of the test case, whichever
    /// comes first. Throws ``CleanupScopeMissing`` outside a `.cleansUp` suite or test.
    public static func start() async throws -> PrivateBus {
        try CleanupScope.require(for: "a private bus")
        let daemon = try await PrivateBusDaemon.start()
        let bus = PrivateBus(daemon: daemon)
        try CleanupScope.atEnd(of: "a private bus") { await bus.stop() }
        return bus
    }

    /// Stops the daemon (SIGTERM, then SIGKILL after 2 s), waits for it to exit and removes its
    /// directory. Idempotent.
    public func stop() async {
        await daemon.terminate()
    }

    /// Kills the daemon at once with SIGKILL, as a crash would, and reaps it: for tests of
    /// connection loss.
    public func kill() {
        daemon.kill()
    }

    /// Opens a connection to this bus.
    public func connect() async throws -> DBusConnection {
        try await DBusConnection.open(.address(address), timeout: .seconds(30))
    }
}

/// Runs `body` with a private bus that is stopped (and awaited) when `body` returns or throws;
/// the test case's ``CleanupScope`` stops it too should the task be torn down in between.
public func withPrivateBus<T>(_ body: (PrivateBus) async throws -> T) async throws -> T {
    let bus = try await PrivateBus.start()
    let result: Result<T, any Error>
    do {
        result = .success(try await body(bus))
    } catch {
        result = .failure(error)
    }
    await bus.stop()
    return try result.get()
}

