/// An interactive tool on a pseudo-terminal (bluetoothctl needs one), run through util-linux
/// `script` on the one process runner: commands go to its standard input, its output is read
/// back with ANSI escapes, carriage returns and readline markers removed.
///
/// Started with ``RunningTool/start(_:_:environment:input:mergingStandardError:)``, so the test
/// case's ``CleanupScope`` kills and reaps it when the case ends.
public final class TerminalSession: Sendable {
    /// The `script` process.
    public let tool: RunningTool

    /// Starts `command` on a pty, with `environment` on top of this process's (TERM=dumb,
    /// NO_COLOR=1). Throws ``CleanupScopeMissing`` outside a `.cleansUp` suite or test.
    public init(_ command: String, environment: [String: String] = [:]) throws {
        var environment = environment
        environment["TERM"] = "dumb"
        environment["NO_COLOR"] = "1"
        tool = try RunningTool.start("/usr/bin/script", ["-qfec", command, "/dev/null"], environment: environment, input: .pipe,
                                     mergingStandardError: true)
    }

    /// Everything the tool printed so far, escapes removed.
    public var transcript: String { Self.stripEscapes(tool.stdout) }

    /// Sends one command line and waits until every pattern (a regular expression) appears
    /// after it in the transcript.
    public func run(_ command: String, expecting patterns: [String], timeout: Duration = .seconds(30)) async throws {
        let start = transcript.count
        try tool.write(command + "\n")
        try await waitFor(patterns, after: start, timeout: timeout)
    }

    /// Waits until every pattern (a regular expression) appears in the transcript after its
    /// first `start` characters; throws ``TimedOut`` naming the patterns otherwise.
    public func waitFor(_ patterns: [String], after start: Int = 0, timeout: Duration = .seconds(60)) async throws {
        do {
            try await eventually("\(patterns) in \(tool.commandLine.dropFirst(2).first ?? "the tool")'s output", within: timeout) {
                let text = String(self.transcript.dropFirst(start))
                return patterns.allSatisfy { text.range(of: $0, options: .regularExpression) != nil }
            }
        } catch let timedOut as TimedOut {
            throw TranscriptTimedOut(waiting: timedOut.description, transcript: String(transcript.suffix(3000)))
        }
    }

    /// Sends `command` (the tool's own way out) and closes its input; the cleanup scope kills
    /// whatever is left when the test case ends.
    public func quit(with command: String = "quit") {
        try? tool.write(command + "\n")
        tool.closeInput()
    }

    /// Removes ANSI escape sequences (colours, prompt redraws), carriage returns and readline's
    /// prompt markers (\u{01}, \u{02}).
    public static func stripEscapes(_ text: String) -> String {
        var result = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            if character == "\u{1B}" {
                guard let next = iterator.next() else { break }
                if next == "[" {
                    while let c = iterator.next(), !(c.isLetter || c == "~") {}
                }
                continue
            }
            if character == "\r" || character == "\u{01}" || character == "\u{02}" { continue }
            result.append(character)
        }
        return result
    }
}

/// A ``TerminalSession/waitFor(_:after:timeout:)`` that timed out, with the end of the transcript
/// so that the failure shows what the tool printed instead.
public struct TranscriptTimedOut: Error, CustomStringConvertible {
    /// What was awaited, and for how long.
    public let waiting: String
    /// The last 3000 characters of the transcript.
    public let transcript: String

    public var description: String { "\(waiting); the tool printed:\n\(transcript)" }
}
