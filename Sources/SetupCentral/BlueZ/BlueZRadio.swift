import BlueZ
import DBus
import SetupLink
import SetupProtocol

/// The service's radio over BlueZ: discovery with a filter on the setup service UUID (matches
/// re-checked here), connect with retry, services resolved, characteristics found.
///
/// A radio from ``open(adapter:bus:)`` owns its D-Bus connection and BlueZ session: its user
/// calls ``close()`` when done (the service it is given to does not own it). A radio from
/// ``radio(adapter:session:)`` uses a session its caller owns and closes.
public final class BlueZRadio: SetupRadio {
    /// The adapter used.
    public let adapter: Adapter
    /// The session (and connection) the radio opened itself and closes; nil on a shared session.
    private let ownedSession: BlueZSession?

    private init(adapter: Adapter, ownedSession: BlueZSession?) {
        self.adapter = adapter
        self.ownedSession = ownedSession
    }

    /// Opens BlueZ on `bus` (a connection and a session of the radio's own, released by
    /// ``close()``) and picks `adapterName` (or the first adapter).
    ///
    /// - Throws: `.noAdapter` when the bus, bluetoothd or the adapter is missing;
    ///   `.bluetoothOff` when the adapter is powered off.
    public static func open(adapter adapterName: String?, bus: DBusBusAddress = .system) async throws(SetupError) -> BlueZRadio {
        let session = try await openSession(bus: bus)
        do throws(SetupError) {
            return BlueZRadio(adapter: try adapter(named: adapterName, in: session), ownedSession: session)
        } catch {
            session.close()
            session.connection.close()
            throw error
        }
    }

    /// Releases what ``open(adapter:bus:)`` opened: the BlueZ session and the D-Bus connection,
    /// whose socket and wake-up pipe close as its I/O thread ends, right after. Scans and
    /// connections still running fail. A radio on a shared session
    /// (``radio(adapter:session:)``) leaves the session to its owner. Never blocks; idempotent.
    public func close() {
        guard let ownedSession else { return }
        ownedSession.close()
        ownedSession.connection.close()
    }

    /// Opens BlueZ on `bus`: one D-Bus connection and its `BlueZSession`, which several radios
    /// can share (``radio(adapter:session:)``); every connection to the bus receives and decodes
    /// every signal of org.bluez, so a process driving several adapters should open one.
    ///
    /// - Throws: `.noAdapter` when the bus or bluetoothd is missing.
    public static func openSession(bus: DBusBusAddress = .system) async throws(SetupError) -> BlueZSession {
        let connection: DBusConnection
        do { connection = try await DBusConnection.open(bus) } catch {
            throw SetupError(.noAdapter, "cannot reach the D-Bus system bus: \(error.message)", cause: error)
        }
        do { return try await BlueZSession.open(connection) } catch {
            connection.close()
            throw SetupError(.noAdapter, "BlueZ is not reachable: \(error.message)", cause: error)
        }
    }

    /// The radio of `adapterName` (or the first adapter) on an open `session`, which stays its
    /// caller's to close (the radio's ``close()`` leaves it open).
    ///
    /// - Throws: `.noAdapter` when the adapter is missing; `.bluetoothOff` when it is powered off.
    public static func radio(adapter adapterName: String?, session: BlueZSession) throws(SetupError) -> BlueZRadio {
        BlueZRadio(adapter: try adapter(named: adapterName, in: session), ownedSession: nil)
    }

    /// The adapter `adapterName` (or the first) of `session`, checked to be powered.
    private static func adapter(named adapterName: String?, in session: BlueZSession) throws(SetupError) -> Adapter {
        let adapter: Adapter
        do { adapter = try session.adapter(named: adapterName) } catch { throw SetupError(.noAdapter, error.message, cause: error) }
        do {
            guard try adapter.properties().powered else { throw SetupError(.bluetoothOff, "adapter \(adapter.name) is powered off") }
        } catch let error as SetupError {
            throw error
        } catch {
            throw SetupError(.noAdapter, "adapter \(adapter.name) vanished")
        }
        return adapter
    }

    /// Discovers printers in setup mode for `duration` or until `enough` holds. BlueZ's known
    /// devices are listed first; with ``ScanScope/advertising`` a printer counts only once a
    /// fresh report shows it advertising (``DiscoveredDevice/isFresh``).
    public func scan(
        for duration: Duration, scope: ScanScope, until enough: @escaping @Sendable ([DiscoveredPrinter]) -> Bool
    ) async throws(SetupError) -> [DiscoveredPrinter] {
        let filter = DiscoveryFilter(uuids: [SetupGATT.serviceUUID.description], transport: .le, duplicateData: true)
        // An adapter that is gone for a moment (bluetoothd restarting, the controller plugged in
        // again) is waited for within the scan time, so that a retry right after works.
        do { _ = try await adapter.session.waitForAdapter(named: adapter.name, deadline: .now + duration) } catch {
            throw SetupError(.noAdapter, "adapter \(adapter.name) is not there (unplugged, or bluetoothd is not running)", cause: error)
        }
        let discovery: DiscoverySession
        do { discovery = try await adapter.discover(filter) } catch {
            throw error.kind == .adapterPoweredOff || error.kind == .notReady
                ? SetupError(.bluetoothOff, "the adapter is powered off") : SetupError(.noAdapter, "cannot start discovery: \(error.message)", cause: error)
        }
        let devices = discovery.devices(includeKnown: true)
        let found = await withTaskGroup(of: [DiscoveredPrinter]?.self) { group -> [DiscoveredPrinter] in
            group.addTask {
                var seen: [String: DiscoveredPrinter] = [:]
                do {
                    for try await found in devices {
                        guard let printer = Self.printer(from: found.properties),
                              found.isFresh || scope == .includingKnown || seen[printer.address] != nil
                        else { continue }
                        seen[printer.address] = printer
                        if enough(Array(seen.values)) { break }
                    }
                } catch {}
                return Array(seen.values)
            }
            group.addTask {
                try? await Task.sleep(for: duration)
                return nil
            }
            // The scan ends when the discovery task returns; the timer only cancels it, and a
            // cancelled discovery task returns what it saw.
            while let next = await group.next() {
                group.cancelAll()
                if let next { return next }
            }
            return []
        }
        await discovery.stop()
        return found.sorted { $0.address < $1.address }
    }

    /// Connects, waits for resolved services and finds the setup characteristics.
    public func connect(to printer: DiscoveredPrinter, timeout: Duration) async throws(SetupError) -> any GATTClientLink {
        guard let device = adapter.device(address: printer.address) else { throw SetupError(.printerLost, "the printer is gone") }
        let deadline = ContinuousClock.now + timeout
        do {
            try await device.connect(deadline: deadline)
            let found = try await device.resolveCharacteristics(
                service: SetupGATT.serviceUUID.description,
                characteristics: [SetupGATT.infoCharacteristicUUID, SetupGATT.requestCharacteristicUUID, SetupGATT.eventsCharacteristicUUID].map(\.description),
                deadline: deadline, onMissing: .removeDevice)
            return BlueZClientLink(device: device, info: found[0], request: found[1], events: found[2])
        } catch {
            switch error.kind {
            case .timedOut: throw SetupError(.timedOut, "connecting to \(printer.address) timed out", cause: error)
            case .deviceRemoved, .disconnected, .bluetoothdRestarted: throw SetupError(.printerLost, "lost \(printer.address) while connecting: \(error.message)", cause: error)
            default: throw SetupError(.printerLost, "cannot connect to \(printer.address): \(error.message)", cause: error)
            }
        }
    }

    /// A printer from BlueZ's device properties, when it advertises the setup service and payload.
    static func printer(from properties: DeviceProperties) -> DiscoveredPrinter? {
        guard properties.uuids.map(GattUUID.normalized).contains(SetupGATT.serviceUUID.description),
              let payload = properties.manufacturerData[SetupAdvertisement.companyID],
              let advertisement = try? SetupAdvertisement(manufacturerData: payload)
        else { return nil }
        return DiscoveredPrinter(address: properties.address, name: properties.name, rssi: properties.rssi.map(Int.init), advertisement: advertisement)
    }
}
