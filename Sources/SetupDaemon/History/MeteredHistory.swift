import DBus
import SetupMetrics

/// A history that also counts every finished job in fleet metrics and rewrites the metrics file
/// (`serve --metrics-file`) after each one, for node_exporter's textfile collector. The phases
/// come from the job's states: scanning → `scan`, connecting (connection and service
/// resolution together) → `connect`, authenticating → `handshake`, sending →
/// `credentials_accepted`, joining → `joined`; `services_resolved` is not told apart by the
/// daemon's states and stays empty.
public struct MeteredHistory: DaemonHistory {
    /// The history the records go to (and are read from).
    public let inner: any DaemonHistory
    /// The counters and histograms.
    public let metrics: MetricsRecorder
    /// The file written after every job, or nil to keep the metrics in memory only.
    public let file: String?
    /// Where a failure to write the file is reported (it never fails the job).
    public let report: @Sendable (String) -> Void

    /// Records into `inner` and counts into `metrics`, writing `file` after each job.
    public init(inner: any DaemonHistory, metrics: MetricsRecorder, file: String?, report: @escaping @Sendable (String) -> Void) {
        self.inner = inner
        self.metrics = metrics
        self.file = file
        self.report = report
    }

    /// Counts the job, writes the metrics file, then records the job in `inner`.
    public func record(_ job: FinishedJob) async throws {
        Self.count(job, into: metrics)
        if let file {
            do throws(MetricsFileError) { try metrics.flush(to: file) } catch { report("cannot write the metrics file: \(error)") }
        }
        try await inner.record(job)
    }

    /// `inner`'s records.
    public func records(_ filter: HistoryQuery) async throws -> [[String: DBusValue]] {
        try await inner.records(filter)
    }

    /// Adds one finished job to `metrics`.
    static func count(_ job: FinishedJob, into metrics: MetricsRecorder) {
        let snapshot = job.snapshot
        let outcome: SetupMetrics.JobOutcome = switch snapshot.state {
        case .succeeded: .succeeded
        case .cancelled: .cancelled
        default: .failed
        }
        let kind = SetupMetrics.JobKind(rawValue: job.kind.rawValue) ?? .pair
        var phases: [JobPhase: Duration] = [:]
        for (state, seconds) in snapshot.phases {
            let phase: JobPhase? = switch state {
            case .scanning: .scan
            case .connecting: .connect
            case .authenticating: .handshake
            case .sending: .credentialsAccepted
            case .joining: .joined
            default: nil
            }
            if let phase { phases[phase] = .milliseconds(Int64((seconds * 1000).rounded())) }
        }
        let duration: Duration? = snapshot.started == 0 || snapshot.finished < snapshot.started
            ? nil : .microseconds(Int64(snapshot.finished - snapshot.started))
        metrics.record(kind: kind, outcome: outcome, error: snapshot.error.isEmpty ? nil : snapshot.error, phaseDurations: phases, duration: duration)
    }
}
