import SetupCentral

/// The radio the CLI's central commands use: BlueZ on the system bus
/// (`DBUS_SYSTEM_BUS_ADDRESS` selects another bus, e.g. the simulated BlueZ's).
enum RadioFactory {
    static func central(adapter: String?) async throws(SetupError) -> any SetupRadio {
        try await BlueZRadio.open(adapter: adapter)
    }
}
