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

    /// Both ends.
    var descriptors: [Int32] { [readEnd, writeEnd] }

    func close() {
        _ = Glibc.close(readEnd)
        _ = Glibc.close(writeEnd)
    }
}

/// Wakes a connection's I/O thread out of `poll()` through its pipe, at most once per turn of
/// the loop: the pipe is written only if the loop is not already due to wake.
///
/// The pipe lives until ``release()``, which the I/O thread calls as it ends (or the connection
/// when no I/O thread ever ran): a closed connection holds no descriptor even while it is still
/// referenced. The write end sits behind a lock that a wake-up from another thread and the
/// release both take, so a wake-up never writes to a closed descriptor, whose number the process
/// may already have given to another file.
final class LoopWaker: Sendable {
    /// The pipe; nil once released. A wake-up writes to it with the lock held.
    private let pipe: Mutex<WakeupFD?>
    /// The end the I/O thread polls and drains; valid until ``release()``, which only the I/O
    /// thread calls while it runs.
    let readEnd: Int32
    /// True while the I/O thread is due to wake (pipe written, or awake and about to look).
    private let pending = Atomic<Bool>(false)
    /// How many times the pipe was written (for tests of the send fast path).
    let signals = Atomic<Int>(0)

    init() throws(DBusError) {
        let pipe = try WakeupFD()
        readEnd = pipe.readEnd
        self.pipe = Mutex(pipe)
    }

    deinit {
        release()
    }

    /// Wakes the I/O thread unless it is already due to wake (or the pipe is released).
    func wake() {
        if !pending.exchange(true, ordering: .sequentiallyConsistent) {
            signals.add(1, ordering: .relaxed)
            pipe.withLock { $0?.signal() }
        }
    }

    /// Called by the I/O thread at the start of each turn, before it looks at what to do.
    func rearm() {
        pending.store(false, ordering: .sequentiallyConsistent)
    }

    /// Empties the pipe (the I/O thread, after `poll()` saw it readable).
    func drain() {
        pipe.withLock { $0?.drain() }
    }

    /// Closes both ends of the pipe; later wake-ups do nothing. Idempotent. Call it only once
    /// no thread polls ``readEnd`` any more (the I/O thread ending, or none ever ran).
    func release() {
        pipe.withLock { pipe in
            pipe?.close()
            pipe = nil
        }
    }

    /// The pipe's two descriptors, none once released.
    var descriptors: [Int32] {
        pipe.withLock { $0?.descriptors ?? [] }
    }
}
