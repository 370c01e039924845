#if canImport(Glibc)
import Glibc
#endif
import DBus
import SetupProtocol

/// Reads a passphrase from a file descriptor (`Passphrase` key, `Agent1.RequestPassphrase`):
/// the passphrase, optionally followed by one newline, at most 64 octets of it, readable to its
/// end within a deadline. Never blocks a thread: it polls without waiting and sleeps between polls.
public enum PassphraseReader {
    /// The most octets of passphrase.
    public static let limit = 64

    /// Reads and validates the passphrase behind `descriptor` (which stays owned by the caller
    /// and is closed when released). Errors name `key` and never hold the value.
    public static func read(_ descriptor: DBusUnixFD, key: String, within deadline: Duration) async throws(RequestError) -> WiFiPassphrase {
        let octets = try await readAll(descriptor.rawValue, key: key, within: deadline)
        do { return try WiFiPassphrase(octets) } catch {
            throw RequestError(key, "must be 8 to 63 printable ASCII characters or 64 hexadecimal digits")
        }
    }

    /// The octets up to the end of the descriptor without one trailing newline; refuses more
    /// than ``limit`` (it stops reading one octet past the limit and its newline).
    static func readAll(_ fd: Int32, key: String, within deadline: Duration) async throws(RequestError) -> [UInt8] {
        let end = ContinuousClock.now + deadline
        var octets: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: limit + 2)
        while true {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 0)
            if ready < 0 && errno != EINTR { throw RequestError(key, "the file descriptor cannot be read") }
            if ready > 0 {
                if poller.revents & Int16(POLLNVAL) != 0 { throw RequestError(key, "the file descriptor cannot be read") }
                let room = limit + 2 - octets.count
                let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, room) }
                if count < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    throw RequestError(key, "the file descriptor cannot be read")
                }
                if count == 0 { break }
                octets.append(contentsOf: buffer[0..<count])
                if octets.count > limit + 1 || (octets.count == limit + 1 && octets.last != 0x0A) {
                    throw RequestError(key, "longer than \(limit) octets")
                }
                continue
            }
            guard ContinuousClock.now < end else {
                throw RequestError(key, "not readable to its end within \(deadline.components.seconds) s (write it, then close the writing end)")
            }
            do { try await Task.sleep(for: .milliseconds(5)) } catch { throw RequestError(key, "the request was cancelled") }
        }
        if octets.last == 0x0A { octets.removeLast() }
        guard octets.count <= limit else { throw RequestError(key, "longer than \(limit) octets") }
        return octets
    }
}
