import BlueZ

/// Puts a printer back on the air after bluetoothd restarts or its adapter is unplugged and
/// plugged in again: bluetoothd forgets every GATT application and advertisement of an adapter
/// that goes, so once the adapter is there again, the keeper registers the host's application
/// and advertisement again. Without it a restarted bluetoothd (a package update does that)
/// leaves the printer silent until the host is restarted.
enum RegistrationKeeper {
    /// Watches `adapter`'s session until cancelled (the host owns and cancels the task). The
    /// subscription is made before the task starts, so a restart right now is not missed.
    static func keep(
        _ application: GattApplication, _ advertising: AdvertisingController, on adapter: Adapter, printer: EmulatedPrinter
    ) -> Task<Void, Never> {
        let events = adapter.session.events(.object(adapter.path))
        return Task {
            var forgotten = false
            for await event in events {
                switch event {
                case .bluetoothdStopped:
                    forgotten = true
                case .interfacesRemoved(adapter.path, let names) where names.contains(BlueZInterface.adapter):
                    forgotten = true
                case .bluetoothdStarted, .interfacesAdded:
                    // bluetoothd owns its name before it adds the adapters: wait for ours.
                    guard forgotten, (try? adapter.properties()) != nil else { continue }
                    do throws(BlueZError) {
                        try await application.registerAgain()
                        try await advertising.registerAgain()
                        forgotten = false
                        printer.log("\(adapter.name) is back: GATT service and advertisement registered again")
                    } catch {
                        printer.log("warning: \(adapter.name) is back but registering again failed (\(error.message)); trying again when it reappears")
                    }
                default:
                    continue
                }
            }
        }
    }
}
