import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A non-blocking pipe that other threads write to wake the I/O thread out of `poll()`.
struct WakeupFD: Sendable {
    /// The end the I/O thread polls.
    let readEnd: Int32
    private let writeEnd: Int32

    init() throws(DBusError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw DBusError(.failed, message: "pipe failed: errno \(errno)")
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readEnd = fds[0]
        writeEnd = fds[1]
    }

    /// Makes the read end readable. (A full pipe is already readable, so a failed write is fine.)
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Empties the pipe.
    func drain() {
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &buffer, { read(readEnd, $0.baseAddress, $0.count) }) > 0 {}
    }

    func close() {
        _ = Glibc.close(readEnd)
        _ = Glibc.close(writeEnd)
    }
}

/// Wakes a connection's I/O thread out of `poll()` through its pipe, at most once per turn of
/// the loop: the pipe is written only if the loop is not already due to wake.
final class LoopWaker: Sendable {
    let pipe: WakeupFD
    /// True while the I/O thread is due to wake (pipe written, or awake and about to look).
    private let pending = Atomic<Bool>(false)
    /// How many times the pipe was written (for tests of the send fast path).
    let signals = Atomic<Int>(0)

    init() throws(DBusError) {
        pipe = try WakeupFD()
    }

    deinit {
        pipe.close()
    }

    /// Wakes the I/O thread unless it is already due to wake.
    func wake() {
        if !pending.exchange(true, ordering: .sequentiallyConsistent) {
            signals.add(1, ordering: .relaxed)
            pipe.signal()
        }
    }

    /// Called by the I/O thread at the start of each turn, before it looks at what to do.
    func rearm() {
        pending.store(false, ordering: .sequentiallyConsistent)
    }
}
