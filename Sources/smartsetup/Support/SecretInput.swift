import Foundation

/// Reads secrets without putting them on the command line or the screen.
enum SecretInput {
    /// Whether stdin is a terminal (prompts are possible).
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 }

    /// Prompts on stderr and reads one line from the terminal with echo off. Runs on its own
    /// thread so that no cooperative-pool thread blocks on the terminal.
    static func prompt(_ text: String) async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                FileHandle.standardError.write(Data(text.utf8))
                var saved = termios()
                let hasTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
                if hasTerminal {
                    var silent = saved
                    silent.c_lflag &= ~tcflag_t(ECHO)
                    tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
                }
                let line = Swift.readLine(strippingNewline: true)
                if hasTerminal { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
                FileHandle.standardError.write(Data("\n".utf8))
                continuation.resume(returning: line)
            }
        }
    }

    /// Prompts on stderr and reads one line with echo on (for choices), off the cooperative pool.
    static func promptVisible(_ text: String) async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                FileHandle.standardError.write(Data(text.utf8))
                continuation.resume(returning: Swift.readLine(strippingNewline: true))
            }
        }
    }

    /// Reads the first line of stdin (for `--passphrase-stdin`), off the cooperative pool.
    static func firstLineOfStandardInput() async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: Swift.readLine(strippingNewline: true)) }
        }
    }

    /// Reads a passphrase file: its first line, without the line break.
    static func readFile(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
    }
}
