import Dispatch
import Foundation
import Synchronization

/// The emulated printer's setup button, pressed from outside `smartsetup emulate`: each SIGUSR1,
/// and each line on standard input (empty, or `button`).
enum ButtonInputs {
    /// The longest stdin line looked at; longer lines are not a press (bounded input).
    static let maximumLine = 64

    /// Keeps SIGUSR1 from ending the process (its default action) until ``run(_:)`` listens:
    /// call it before announcing the button.
    static func holdSignal() {
        signal(SIGUSR1, SIG_IGN)
    }

    /// Calls `press` for each press until the task is cancelled; standard input's end only stops
    /// reading it.
    static func run(_ press: @escaping @Sendable () async -> Void) async {
        let (presses, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(4))
        let queue = DispatchQueue(label: "smartsetup.button")
        holdSignal()
        let signalSource = DispatchSource.makeSignalSource(signal: SIGUSR1, queue: queue)
        signalSource.setEventHandler { continuation.yield() }
        signalSource.resume()
        let lines = Mutex(LineReader(maximumLine: maximumLine))
        let inputSource = DispatchSource.makeReadSource(fileDescriptor: STDIN_FILENO, queue: queue)
        inputSource.setEventHandler {
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = read(STDIN_FILENO, &buffer, buffer.count)
            guard count > 0 else {
                inputSource.cancel()
                return
            }
            for _ in 0..<lines.withLock({ $0.presses(in: buffer[0..<count]) }) { continuation.yield() }
        }
        inputSource.resume()
        for await _ in presses { await press() }
        signalSource.cancel()
        inputSource.cancel()
        continuation.finish()
    }
}

/// Splits standard input into lines and counts those that press the button: an empty line or
/// `button`, surrounding spaces ignored.
struct LineReader: Sendable {
    private let maximumLine: Int
    private var line: [UInt8] = []
    private var overlong = false

    init(maximumLine: Int) { self.maximumLine = maximumLine }

    mutating func presses(in bytes: ArraySlice<UInt8>) -> Int {
        var count = 0
        for byte in bytes {
            guard byte == UInt8(ascii: "\n") else {
                if line.count < maximumLine { line.append(byte) } else { overlong = true }
                continue
            }
            let text = String(decoding: line, as: UTF8.self).trimmingSpaces
            if !overlong && (text.isEmpty || text == "button") { count += 1 }
            line = []
            overlong = false
        }
        return count
    }
}

private extension String {
    var trimmingSpaces: String {
        var characters = Substring(self)
        while characters.first == " " || characters.first == "\r" { characters.removeFirst() }
        while characters.last == " " || characters.last == "\r" { characters.removeLast() }
        return String(characters)
    }
}
