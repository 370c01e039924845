import Foundation
import Synchronization

/// Reads secrets without putting them on the command line or the screen. Every read is
/// bounded: at most one line of `limit` octets is taken, a longer one is refused, and a read
/// from a pipe that never ends gives up when its task is cancelled (the command's deadline).
enum SecretInput {
    /// One line read for a secret.
    enum Line: Equatable {
        /// The line's octets, without its line break.
        case line([UInt8])
        /// The line was longer than the limit: refused, not cut.
        case tooLong
        /// The input could not be read (a missing file, no stdin).
        case unreadable
        /// The read gave up: the task was cancelled.
        case cancelled

        /// The line as text, when it is one of at most the limit.
        var text: String? {
            guard case .line(let octets) = self else { return nil }
            return String(decoding: octets, as: UTF8.self)
        }
    }

    /// The longest passphrase: 63 characters, or a PSK of 64 hexadecimal digits.
    static let passphraseLimit = 64
    /// The longest PIN as typed: 8 digits and a separator.
    static let pinLimit = 9

    /// Whether stdin is a terminal (prompts are possible).
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 }

    /// Prompts on stderr and reads one line from the terminal with echo off. Runs on its own
    /// thread so that no cooperative-pool thread blocks on the terminal.
    static func prompt(_ text: String, limit: Int) async -> Line {
        await onThread(cancelledValue: .cancelled) {
            FileHandle.standardError.write(Data(text.utf8))
            var saved = termios()
            let hasTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
            if hasTerminal {
                var silent = saved
                silent.c_lflag &= ~tcflag_t(ECHO)
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
            }
            let line = readLine(from: STDIN_FILENO, limit: limit)
            if hasTerminal { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
            FileHandle.standardError.write(Data("\n".utf8))
            return line
        }
    }

    /// Prompts on stderr and reads one short line with echo on (for choices), off the
    /// cooperative pool.
    static func promptVisible(_ text: String) async -> String? {
        await onThread(cancelledValue: .cancelled) {
            FileHandle.standardError.write(Data(text.utf8))
            return readLine(from: STDIN_FILENO, limit: 16)
        }.text
    }

    /// Reads the first line of stdin (for `--passphrase-stdin`, `--pin-stdin`), off the
    /// cooperative pool.
    static func firstLineOfStandardInput(limit: Int) async -> Line {
        await onThread(cancelledValue: .cancelled) { readLine(from: STDIN_FILENO, limit: limit) }
    }

    /// Reads the first line of a file (for `--passphrase-file`, `--pin-file`), off the
    /// cooperative pool: the file may be a FIFO (`--passphrase-file <(command)`), whose open and
    /// read wait for a writer, so it gives up like stdin when the command's deadline cancels it.
    static func firstLine(ofFile path: String, limit: Int) async -> Line {
        await onThread(cancelledValue: .cancelled) {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return .unreadable }
            defer { close(descriptor) }
            return readLine(from: descriptor, limit: limit)
        }
    }

    /// Reads up to the first line break (or the end) from `descriptor`, at most `limit` octets
    /// plus the line break; a trailing carriage return is dropped.
    static func readLine(from descriptor: Int32, limit: Int) -> Line {
        var octets: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(descriptor, &byte, 1)
            if count < 0 {
                if errno == EINTR { continue }
                return octets.isEmpty ? .unreadable : .line(octets)
            }
            if count == 0 || byte == 0x0A { break }
            octets.append(byte)
            // One octet more than the limit may still be the carriage return of a CRLF.
            if octets.count > limit + 1 { return .tooLong }
        }
        if octets.last == 0x0D { octets.removeLast() }
        return octets.count > limit ? .tooLong : .line(octets)
    }

    /// Runs a blocking read on a thread of its own; a cancelled caller gets `cancelledValue` at
    /// once (the thread's late answer is dropped).
    private static func onThread<Value: Sendable>(cancelledValue: Value, _ body: @escaping @Sendable () -> Value) async -> Value {
        let waiter = Mutex<CheckedContinuation<Value, Never>?>(nil)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value, Never>) in
                waiter.withLock { $0 = continuation }
                if Task.isCancelled {
                    waiter.withLock { $0.take() }?.resume(returning: cancelledValue)
                    return
                }
                Thread.detachNewThread {
                    let value = body()
                    waiter.withLock { $0.take() }?.resume(returning: value)
                }
            }
        } onCancel: {
            waiter.withLock { $0.take() }?.resume(returning: cancelledValue)
        }
    }
}
