import Dispatch
import Foundation
import Synchronization

/// Waits for SIGINT or SIGTERM without blocking a thread.
enum Termination {
    static func wait() async {
        let queue = DispatchQueue(label: "smartsetup.signals")
        var sources: [DispatchSourceSignal] = []
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumed = ResumeOnce(continuation)
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { resumed.resume() }
                source.resume()
                sources.append(source)
            }
        }
        // The sources lived for the wait; a second signal now finds none.
        for source in sources { source.cancel() }
    }
}

/// Resumes a continuation once, whichever signal comes first.
private final class ResumeOnce: Sendable {
    private let continuation: Mutex<CheckedContinuation<Void, Never>?>

    init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = Mutex(continuation) }

    func resume() {
        continuation.withLock { pending -> CheckedContinuation<Void, Never>? in
            defer { pending = nil }
            return pending
        }?.resume()
    }
}
