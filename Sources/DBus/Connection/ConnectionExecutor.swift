import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs jobs (task slices) on a connection's I/O thread: the executor behind
/// ``DBusConnection/executor``.
///
/// A task that prefers it sends its calls from the I/O thread and is resumed by the reply on
/// the same thread, so a round trip costs no thread switch. Jobs run between turns of the loop,
/// in the order they were enqueued; one enqueued from another thread wakes the loop. When the
/// I/O thread ends, queued and later jobs go to the global concurrent executor, so no task is
/// stranded.
final class ConnectionExecutor: TaskExecutor {
    private struct Queue {
        var jobs: [UnownedJob] = []
        /// The I/O thread is gone: jobs go to the global concurrent executor.
        var ended = false
    }

    private let queue = Mutex(Queue())
    /// `pthread_self()` of the I/O thread, 0 until it runs.
    private let ioThread = Atomic<UInt>(0)
    private let waker: LoopWaker

    init(waker: LoopWaker) {
        self.waker = waker
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let accepted = queue.withLock { q -> Bool in
            guard !q.ended else { return false }
            q.jobs.append(job)
            return true
        }
        guard accepted else {
            globalConcurrentExecutor.enqueue(ExecutorJob(job))
            return
        }
        if !isIOThread { waker.wake() }
    }

    /// True on the I/O thread.
    var isIOThread: Bool {
        ioThread.load(ordering: .relaxed) == UInt(pthread_self())
    }

    /// Called by the I/O thread when it starts.
    func attachIOThread() {
        ioThread.store(UInt(pthread_self()), ordering: .relaxed)
    }

    /// True when jobs are waiting (the loop must not sleep).
    var hasJobs: Bool {
        queue.withLock { !$0.jobs.isEmpty }
    }

    /// Runs the jobs queued so far (not those they enqueue; the loop comes back for those).
    func runJobs() {
        let jobs = queue.withLock { q -> [UnownedJob] in
            defer { q.jobs.removeAll(keepingCapacity: true) }
            return q.jobs
        }
        for job in jobs {
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    /// Called by the I/O thread as it ends: hands every queued and later job to the global
    /// concurrent executor.
    func detach() {
        let jobs = queue.withLock { q -> [UnownedJob] in
            q.ended = true
            defer { q.jobs = [] }
            return q.jobs
        }
        for job in jobs {
            globalConcurrentExecutor.enqueue(ExecutorJob(job))
        }
    }
}
