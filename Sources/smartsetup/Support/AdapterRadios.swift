import SetupCentral

/// One BlueZ connection per adapter for `serve`, shared by every job and discovery round on
/// that adapter (its `BlueZSession` counts discovery users, follows bluetoothd restarts and
/// serves several devices at once).
///
/// Found by the VM tier (smartsetup-serve-batch, real bluetoothd 5.66): with a connection per
/// job, two jobs starting at once on one adapter sent StartDiscovery from two connections, and
/// bluetoothd answers only the last client that asked while its discovery is starting
/// (adapter.c keeps one pending client): the other job's call got no reply and the job failed
/// with no-adapter. Over one connection, `BlueZSession` sends one StartDiscovery for both.
actor AdapterRadios {
    private var radios: [String: BlueZRadio] = [:]

    /// The radio of adapter `name`, opened on first use.
    ///
    /// - Throws: what `BlueZRadio.open` throws (no adapter, bluetoothd unreachable, powered off).
    func radio(_ name: String) async throws(SetupError) -> any SetupRadio {
        if let radio = radios[name] { return radio }
        let radio = try await BlueZRadio.open(adapter: name)
        // Another caller may have opened one while this one waited: keep the first.
        if let first = radios[name] { return first }
        radios[name] = radio
        return radio
    }
}
