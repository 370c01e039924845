import DBus
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A private dbus-daemon takes no descriptor of ours but its standard streams: a pipe end it
/// inherited would keep the pipe from reaching end-of-file for as long as the bus runs (a
/// test's tool output, Foundation's process socket, a passphrase pipe).
@Suite struct PrivateBusInheritanceTests {
    @Test func theDaemonInheritsNoDescriptorOpenedWithoutCloseOnExec() async throws {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)  // deliberately without O_CLOEXEC, as another library might
        defer { close(ends[0]) }
        let daemon: PrivateBusDaemon
        do { daemon = try PrivateBusDaemon() } catch {
            close(ends[1])
            throw error
        }
        defer { daemon.stop() }
        close(ends[1])
        _ = fcntl(ends[0], F_SETFL, O_NONBLOCK)
        // Another test's spawn in flight at this moment holds a copy for the instant between
        // its clone and its close-from action; the daemon would hold it for as long as it runs.
        var byte: UInt8 = 0
        var count = read(ends[0], &byte, 1)
        let deadline = ContinuousClock.now + .seconds(3)
        while count < 0, errno == EAGAIN, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            count = read(ends[0], &byte, 1)
        }
        let failure = errno
        #expect(count == 0, "the pipe's write end lives on in dbus-daemon \(daemon.processID) (read returned \(count), errno \(failure))")
    }
}
