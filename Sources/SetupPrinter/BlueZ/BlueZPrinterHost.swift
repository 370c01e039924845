import BlueZ
import DBus
import SetupLink
import SetupProtocol
import Synchronization

/// Puts an ``EmulatedPrinter`` on a BlueZ adapter through the peripheral API: the setup GATT
/// service (Info, Request, Events with their user descriptions) registered with
/// `GattManager1.RegisterApplication`, and the setup advertisement (SPEC §4.1: service UUID +
/// manufacturer data, name in the scan response) with `LEAdvertisingManager1`. While it runs,
/// the adapter's alias is the printer's name (see ``start(_:on:)``). When bluetoothd restarts,
/// the host registers both again once the adapter is back.
public final class BlueZPrinterHost: Sendable {
    /// The printer.
    public let printer: EmulatedPrinter
    /// The adapter it advertises on.
    public let adapter: Adapter
    private let application: GattApplication
    private let advertising: AdvertisingController
    private let links: LinkTable
    private let alias: AliasRestorer
    private let connections: Task<Void, Never>
    /// Registers again after a bluetoothd restart (see ``RegistrationKeeper``).
    private let keeper: Task<Void, Never>

    private init(
        printer: EmulatedPrinter, adapter: Adapter, application: GattApplication, advertising: AdvertisingController, links: LinkTable,
        alias: AliasRestorer, connections: Task<Void, Never>, keeper: Task<Void, Never>
    ) {
        self.printer = printer
        self.adapter = adapter
        self.application = application
        self.advertising = advertising
        self.links = links
        self.alias = alias
        self.connections = connections
        self.keeper = keeper
    }

    /// How long setting or restoring the adapter's alias may take.
    static let aliasTimeout: Duration = .seconds(5)

    /// Sets the adapter's alias to the printer's name, then registers the printer's GATT
    /// application and advertisement on `adapter`.
    ///
    /// bluetoothd serves the adapter's alias as the GAP Device Name, which a central reads after
    /// connecting and which then replaces the advertised name in its Device1.Name: without this,
    /// a printer is "BlueZ 5.66" to a central after one connection and `--printer NAME` stops
    /// matching it. A failure to set the alias is logged as a warning, not fatal; ``stop()``
    /// restores the old alias.
    public static func start(_ printer: EmulatedPrinter, on adapter: Adapter) async throws(BlueZError) -> BlueZPrinterHost {
        let alias = await AliasRestorer.apply(printer.localName, on: adapter, printer: printer)
        do {
            return try await register(printer, on: adapter, alias: alias)
        } catch {
            await alias.restore()
            throw error
        }
    }

    private static func register(_ printer: EmulatedPrinter, on adapter: Adapter, alias: AliasRestorer) async throws(BlueZError) -> BlueZPrinterHost {
        let links = LinkTable()
        let events = LocalCharacteristic(
            uuid: SetupGATT.eventsCharacteristicUUID.description, flags: ["notify"],
            descriptors: [Self.userDescription(SetupGATT.eventsDescription)])
        let session = adapter.session
        let request = LocalCharacteristic(
            uuid: SetupGATT.requestCharacteristicUUID.description, flags: ["write", "write-without-response"],
            descriptors: [Self.userDescription(SetupGATT.requestDescription)],
            onWrite: { value, options throws(BlueZError) in
                let link = Self.link(for: options.device, events: events, session: session, printer: printer, links: links)
                // bluetoothd 5.66 passes no `type` whatever ATT operation carried the write, so
                // every WriteValue is answered once the session has handled the write: bluetoothd
                // turns the reply into the Write Response of a Write Request and drops it for a
                // Write Command. `options.type` is not consulted.
                try await link.deliver(IncomingWrite(value: value, mtu: Int(options.mtu ?? 23), withResponse: true))
            })
        let info = LocalCharacteristic(
            uuid: SetupGATT.infoCharacteristicUUID.description, flags: ["read"],
            descriptors: [Self.userDescription(SetupGATT.infoDescription)],
            onRead: { options throws(BlueZError) in try Self.infoValue(printer.infoValue(), from: options.offset) })
        let service = LocalService(uuid: SetupGATT.serviceUUID.description, characteristics: [info, request, events])
        let application = try await GattApplication.register([service], on: adapter)
        let advertising = AdvertisingController(printer: printer, adapter: adapter)
        do { try await advertising.refresh() } catch {
            await application.unregister()
            throw error
        }
        printer.onAdvertisementChange { try? await advertising.refresh() }
        // Subscribed before the task starts: a central connecting from now on is not missed.
        let adapterEvents = session.events(.subtree(adapter.path))
        // One stream, in bluetoothd's order: a central's Connected false is handled before its
        // next Connected true, so a reconnection never finds the ended session's link (a write
        // there would fail "the session ended").
        let connections = Task {
            for await event in adapterEvents {
                switch Self.connectionChange(event) {
                case .connected(let device): _ = Self.link(for: device, events: events, session: session, printer: printer, links: links)
                case .disconnected(let device): await links.detach(device.rawValue)?.close()
                case nil: continue
                }
            }
        }
        let keeper = RegistrationKeeper.keep(application, advertising, on: adapter, printer: printer)
        return BlueZPrinterHost(
            printer: printer, adapter: adapter, application: application, advertising: advertising, links: links, alias: alias,
            connections: connections, keeper: keeper)
    }

    /// The link (and session) of the central `device`, started on its connection or first write.
    /// Starting it on the connection runs the ClientHello deadline (SPEC §12) from then, so a
    /// central that connects and never writes is told `timedOut` and disconnected.
    private static func link(
        for device: DBusObjectPath?, events: LocalCharacteristic, session: BlueZSession, printer: EmulatedPrinter, links: LinkTable
    ) -> BlueZServerLink {
        let key = device?.rawValue ?? "unknown"
        let (link, isNew) = links.link(for: key) {
            BlueZServerLink(device: device.map { Device(session: session, path: $0) }, events: events)
        }
        if isNew {
            links.own(Self.serve(link, key: key, device: device, session: session, printer: printer, links: links), for: link)
        }
        return link
    }

    /// A central's device object on the printer's adapter that connected, or disconnected or vanished.
    enum ConnectionChange: Equatable {
        case connected(DBusObjectPath)
        case disconnected(DBusObjectPath)
    }

    /// What `event` says about a central's connection, if anything.
    static func connectionChange(_ event: BlueZEvent) -> ConnectionChange? {
        switch event {
        case .propertiesChanged(let path, BlueZInterface.device, let changed, _):
            switch changed["Connected"]?.unwrappedVariant {
            case .boolean(true): return .connected(path)
            case .boolean(false): return .disconnected(path)
            default: return nil
            }
        case .interfacesAdded(let path, let interfaces):
            return interfaces[BlueZInterface.device]?["Connected"]?.unwrappedVariant == .boolean(true) ? .connected(path) : nil
        case .interfacesRemoved(let path, let names):
            return names.contains(BlueZInterface.device) ? .disconnected(path) : nil
        default:
            return nil
        }
    }

    /// Unregisters the advertisement and the application, ends every session and restores the
    /// adapter's alias (best effort, within a deadline; a failure is logged).
    public func stop() async {
        keeper.cancel()
        await keeper.value
        printer.onAdvertisementChange {}
        connections.cancel()
        await connections.value
        await advertising.stop()
        await application.unregister()
        await links.closeAll()
        await alias.restore()
    }

    /// The Info value from `offset` on (SPEC §5.2: ATT Read, then Read Blob at MTU 23: bluetoothd
    /// passes each Read Blob's offset to ReadValue and expects the value from there), or
    /// InvalidOffset past its end, as bluetoothd's own attributes answer.
    static func infoValue(_ value: [UInt8], from offset: UInt16) throws(BlueZError) -> [UInt8] {
        guard Int(offset) <= value.count else { throw BlueZError(.invalidOffset, message: "Invalid offset") }
        return Array(value[Int(offset)...])
    }

    private static func userDescription(_ text: String) -> LocalDescriptor {
        LocalDescriptor(uuid: GattUUID.from16(SetupGATT.userDescriptionDescriptorUUID), value: Array(text.utf8))
    }

    /// Runs the printer session for a new central until it ends, or the central's device
    /// disconnects or vanishes, or bluetoothd leaves; the device watcher ends with the session.
    /// The returned task is owned by the link table: ``stop()`` awaits it.
    private static func serve(
        _ link: BlueZServerLink, key: String, device: DBusObjectPath?, session: BlueZSession, printer: EmulatedPrinter,
        links: LinkTable
    ) -> Task<Void, Never> {
        // Subscribed before the task starts, so that a disconnection right now is not missed.
        let events = device.map { session.events(.object($0)) }
        return Task {
            await withTaskGroup(of: Void.self) { group in
                if let events {
                    group.addTask {
                        for await event in events where Self.endsTheCentralsLink(event) {
                            await link.close()
                            return
                        }
                    }
                }
                await printer.serve(link)
                group.cancelAll()
            }
            links.remove(link, for: key)
        }
    }

    /// The device disconnected or vanished, or bluetoothd left the bus.
    private static func endsTheCentralsLink(_ event: BlueZEvent) -> Bool {
        switch event {
        case .interfacesRemoved(_, let names): return names.contains(BlueZInterface.device)
        case .propertiesChanged(_, BlueZInterface.device, let changed, _): return changed["Connected"]?.unwrappedVariant == .boolean(false)
        case .bluetoothdStopped: return true
        default: return false
        }
    }
}
