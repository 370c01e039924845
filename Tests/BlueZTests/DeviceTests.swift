import BlueZ
import DBus
import Testing
import TestSupport

@Suite(.serialized, .cleansUp, .timeLimit(.minutes(1))) struct DeviceTests {
    static let abort = DBusError(errorName: "org.bluez.Error.Failed", message: "le-connection-abort-by-local")
    static let inProgress = DBusError(errorName: "org.bluez.Error.InProgress", message: "In Progress")
    static let fast = ConnectPolicy(maxAttempts: 4, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5))

    /// A device connected without resolved services, and a wait for them already under way.
    func waitingForServices(_ fake: FakeBlueZ, _ session: BlueZSession) async throws -> (Device, Task<Void, any Error>) {
        fake.resolveOnConnect.withLock { $0 = false }
        let device = Device(session: session, path: FakePaths.device)
        try await device.connect(deadline: generous())
        let wait = Task { try await device.waitForServicesResolved(deadline: generous()) }
        try await Task.sleep(for: .milliseconds(20))
        return (device, wait)
    }

    @Test func connectRetriesAbortByLocalAndInProgress() async throws {
        try await withFakeBlueZ { fake, session in
            fake.connectScript.withLock { $0 = [Self.abort, Self.inProgress, Self.abort] }
            let device = Device(session: session, path: FakePaths.device)
            try await device.connect(deadline: generous(), policy: Self.fast)
            #expect(fake.count("Connect") == 4)
            #expect(try device.properties().connected)
        }
    }

    @Test func connectGivesUpAfterItsAttempts() async throws {
        try await withFakeBlueZ { fake, session in
            fake.connectScript.withLock { $0 = Array(repeating: Self.abort, count: 10) }
            let device = Device(session: session, path: FakePaths.device)
            await #expect {
                try await device.connect(deadline: generous(), policy: Self.fast)
            } throws: { error in
                guard let error = error as? BlueZError else { return false }
                return error.kind == .failed && error.isLEConnectionAbortByLocal
            }
            #expect(fake.count("Connect") == 4)
        }
    }

    @Test func connectDoesNotRetryOtherErrors() async throws {
        try await withFakeBlueZ { fake, session in
            fake.connectScript.withLock { $0 = [DBusError(errorName: "org.bluez.Error.ConnectionAttemptFailed", message: "Page Timeout")] }
            let device = Device(session: session, path: FakePaths.device)
            await #expect { try await device.connect(deadline: generous(), policy: Self.fast) }
                throws: { ($0 as? BlueZError)?.kind == .connectionAttemptFailed }
            #expect(fake.count("Connect") == 1)
        }
    }

    @Test func servicesResolvedIsAwaited() async throws {
        try await withFakeBlueZ { fake, session in
            let (device, wait) = try await waitingForServices(fake, session)
            try fake.set("ServicesResolved", .boolean(true), interface: BlueZInterface.device, at: FakePaths.device)
            try await wait.value
            try await device.waitForServicesResolved(deadline: generous())
        }
    }

    @Test func servicesResolvedRacesDisconnection() async throws {
        try await withFakeBlueZ { fake, session in
            let (device, wait) = try await waitingForServices(fake, session)
            try fake.set("Connected", .boolean(false), interface: BlueZInterface.device, at: FakePaths.device)
            await #expect { try await wait.value } throws: { ($0 as? BlueZError)?.kind == .disconnected }
            // Not connected at all: fails at once.
            await #expect { try await device.waitForServicesResolved(deadline: generous()) }
                throws: { ($0 as? BlueZError)?.kind == .disconnected }
        }
    }

    @Test func servicesResolvedRacesRemoval() async throws {
        try await withFakeBlueZ { fake, session in
            let (_, wait) = try await waitingForServices(fake, session)
            fake.removeObjects(below: FakePaths.device)
            await #expect { try await wait.value } throws: { ($0 as? BlueZError)?.kind == .deviceRemoved }
        }
    }

    @Test func waitsEndAtTheirDeadlineAndOnCancellation() async throws {
        try await withFakeBlueZ { fake, session in
            fake.resolveOnConnect.withLock { $0 = false }
            let device = Device(session: session, path: FakePaths.device)
            try await device.connect(deadline: generous())
            await #expect { try await device.waitForServicesResolved(deadline: .now + .milliseconds(50)) }
                throws: { ($0 as? BlueZError)?.kind == .timedOut }
            let wait = Task { try await device.waitForServicesResolved(deadline: generous()) }
            try await Task.sleep(for: .milliseconds(20))
            wait.cancel()
            await #expect { try await wait.value } throws: { ($0 as? BlueZError)?.kind == .cancelled }
        }
    }

    @Test func disconnectWaitsForConnectedFalse() async throws {
        try await withFakeBlueZ { fake, session in
            let device = Device(session: session, path: FakePaths.device)
            try await device.connect(deadline: generous())
            try await device.waitForServicesResolved(deadline: generous())
            #expect(try device.properties().servicesResolved)
            try await device.disconnect(deadline: generous())
            #expect(try !device.properties().connected)
            #expect(fake.count("Disconnect") == 1)
        }
    }

    @Test func connectToARemovedDeviceFailsWithDeviceRemoved() async throws {
        try await withFakeBlueZ { fake, session in
            let device = Device(session: session, path: FakePaths.device)
            fake.removeObjects(below: FakePaths.device)
            await #expect { try await device.connect(deadline: generous()) } throws: { ($0 as? BlueZError)?.kind == .deviceRemoved }
        }
    }

    @Test func aCallReturnsOnceTheCacheShowsWhatBluetoothdSignalledBeforeItsReply() async throws {
        try await withFakeBlueZ { fake, session in
            let device = Device(session: session, path: FakePaths.device)
            // 20,000 signals before the reply: without the session's catch-up the router was
            // still behind when connect returned in one run of three here (a race, so this can
            // pass by luck without it; it never fails with it).
            fake.signalsBeforeConnected.withLock { $0 = 20000 }
            try await device.connect(deadline: generous(), policy: Self.fast)
            #expect(try device.properties().connected)
        }
    }

    @Test func disconnectionByThePeerIsAwaitedWithADeadline() async throws {
        try await withFakeBlueZ { fake, session in
            let device = Device(session: session, path: FakePaths.device)
            try await device.connect(deadline: generous(), policy: Self.fast)
            // The Connected signal bluetoothd sent before Connect's reply is in the cache when
            // connect returns (the session catches up with its router).
            #expect(try device.properties().connected)
            await #expect { try await device.waitForDisconnection(deadline: .now + .milliseconds(200)) }
                throws: { ($0 as? BlueZError)?.kind == .timedOut }
            Task { try fake.set("Connected", .boolean(false), interface: BlueZInterface.device, at: FakePaths.device) }
            try await device.waitForDisconnection(deadline: generous())
            #expect(fake.count("Disconnect") == 0)
        }
    }
}
