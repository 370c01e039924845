import BlueZ
import SetupProtocol

/// Keeps the registered advertisement equal to the printer's current one (busy and
/// provisioned flags), re-registering it when it changes.
actor AdvertisingController {
    private let printer: EmulatedPrinter
    private let adapter: Adapter
    private var registration: AdvertisementRegistration?
    private var registered: [UInt8]?
    private var stopped = false

    init(printer: EmulatedPrinter, adapter: Adapter) {
        self.printer = printer
        self.adapter = adapter
    }

    /// Registers the current advertisement unless it is already registered.
    func refresh() async throws(BlueZError) {
        let payload = await printer.currentAdvertisement().manufacturerData
        guard !stopped, payload != registered else { return }
        await registration?.unregister()
        registration = try await adapter.advertise(Advertisement(
            kind: .peripheral, serviceUUIDs: [SetupGATT.serviceUUID.description],
            manufacturerData: [SetupAdvertisement.companyID: payload],
            // The name as LocalName alone (SPEC §4.1): bluetoothd 5.66 refuses it beside
            // Includes "local-name", and puts a name that does not fit into the scan response.
            localName: printer.localName, includes: []))
        registered = payload
    }

    /// Registers the current advertisement again after bluetoothd restarted and forgot the
    /// old registration (whose object is dropped).
    func registerAgain() async throws(BlueZError) {
        await registration?.unregister()
        registration = nil
        registered = nil
        try await refresh()
    }

    /// Unregisters for good.
    func stop() async {
        stopped = true
        await registration?.unregister()
        registration = nil
    }
}
