import BlueZ
import SetupCentral

/// One BlueZ connection for all of `serve`'s adapters, shared by every job and discovery round
/// (its `BlueZSession` counts discovery users per adapter, follows bluetoothd restarts and serves
/// several devices at once), and one radio per adapter on it.
///
/// Two findings led here. The VM tier (smartsetup-serve-batch, real bluetoothd 5.66): with a
/// connection per job, two jobs starting at once on one adapter sent StartDiscovery from two
/// connections, and bluetoothd answers only the last client that asked while its discovery is
/// starting (adapter.c keeps one pending client): the other job's call got no reply and the job
/// failed with no-adapter. Over one connection, `BlueZSession` sends one StartDiscovery for
/// both. And Benchmarks/Daemon: every connection receives and decodes every org.bluez signal,
/// so with a connection per job (or per adapter) the daemon's CPU per pairing grew with the
/// number of connections (a batch of 32 on 16 adapters: 142-207 ms per pairing against 36-40 ms
/// over 4 connections or alone).
actor AdapterRadios {
    private var session: BlueZSession?
    private var radios: [String: BlueZRadio] = [:]

    /// The radio of adapter `name`, made on first use (the connection is opened on the first).
    ///
    /// - Throws: what `BlueZRadio.openSession` and `BlueZRadio.radio` throw (bluetoothd
    ///   unreachable, no such adapter, powered off).
    func radio(_ name: String) async throws(SetupError) -> any SetupRadio {
        if let radio = radios[name] { return radio }
        let session = try await self.session()
        // Another caller may have made one while this one waited for the session: keep the first.
        if let first = radios[name] { return first }
        let radio = try BlueZRadio.radio(adapter: name, session: session)
        radios[name] = radio
        return radio
    }

    private func session() async throws(SetupError) -> BlueZSession {
        if let session { return session }
        let opened = try await BlueZRadio.openSession()
        if let session {
            // Another caller opened one meanwhile: keep the first, close this one's connection.
            opened.close()
            opened.connection.close()
            return session
        }
        session = opened
        return opened
    }
}
