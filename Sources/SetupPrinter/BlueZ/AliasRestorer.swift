import BlueZ
import Synchronization

/// The adapter alias a host set for its printer, and what to put back when it stops.
final class AliasRestorer: Sendable {
    private let adapter: Adapter
    private let printer: EmulatedPrinter
    /// The alias to restore ("" makes bluetoothd drop its stored alias and use the system
    /// name again); nil when the host changed nothing or already restored it.
    private let previous: Mutex<String?>

    private init(adapter: Adapter, printer: EmulatedPrinter, previous: String?) {
        self.adapter = adapter
        self.printer = printer
        self.previous = Mutex(previous)
    }

    /// Sets `adapter`'s alias to `name` when it differs; logs a warning through `printer` when
    /// that fails.
    static func apply(_ name: String?, on adapter: Adapter, printer: EmulatedPrinter) async -> AliasRestorer {
        guard let name, let properties = try? adapter.properties(), properties.alias != name else {
            return AliasRestorer(adapter: adapter, printer: printer, previous: nil)
        }
        // No alias of its own (alias = system name): restore with "", as bluetoothd expects.
        let previous = properties.alias == properties.name ? "" : properties.alias ?? ""
        do {
            try await adapter.setAlias(name, deadline: .now + BlueZPrinterHost.aliasTimeout)
        } catch {
            printer.log("warning: cannot set the alias of \(adapter.name) to \"\(name)\" (\(error.message)); after connecting, centrals will see the adapter's name instead")
            // Past the deadline the alias may still have changed: restore it all the same.
            return AliasRestorer(adapter: adapter, printer: printer, previous: error.kind == .timedOut ? previous : nil)
        }
        return AliasRestorer(adapter: adapter, printer: printer, previous: previous)
    }

    /// Puts the old alias back, once.
    func restore() async {
        guard let previous = previous.withLock({ value -> String? in
            defer { value = nil }
            return value
        }) else { return }
        do {
            try await adapter.setAlias(previous, deadline: .now + BlueZPrinterHost.aliasTimeout)
        } catch {
            printer.log("warning: cannot restore the alias of \(adapter.name) (\(error.message))")
        }
    }
}
