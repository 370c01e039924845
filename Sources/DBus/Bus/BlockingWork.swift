#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs blocking work (a wait on a child process) on a thread of its own and resumes the
/// awaiting task with its result, so that no thread of Swift's cooperative pool is held
/// meanwhile. A thread per call: such work is rare (a daemon's start or stop) and may block for
/// seconds, and a thread of its own depends on no pool's width.
enum BlockingWork {
    private final class Job: @unchecked Sendable {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Runs `work` on a new detached thread; returns its result. Falls back to the calling
    /// thread when no thread can be started.
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let job = Job { continuation.resume(returning: work()) }
            let context = Unmanaged.passRetained(job).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { context in
                let job = Unmanaged<Job>.fromOpaque(context!).takeRetainedValue()
                job.run()
                return nil
            }, context)
            if status == 0 {
                pthread_detach(thread)
            } else {
                Unmanaged<Job>.fromOpaque(context).takeRetainedValue().run()
            }
        }
    }
}
