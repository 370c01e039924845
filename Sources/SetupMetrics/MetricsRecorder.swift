import CoreMetrics
import Prometheus
import Synchronization

/// The daemon's fleet metrics: counters and histograms per outcome and per phase, through
/// swift-metrics with swift-prometheus as the backend, on a registry of its own (no global
/// bootstrap). ``flush(to:)`` writes them as a Prometheus text file for node_exporter's textfile
/// collector.
///
/// Families (all labels bounded; never a secret, an address, an SSID or a printer id):
/// - `smartsetup_jobs_total{kind,outcome,error}`: finished jobs; `error` is the error kind's
///   name (e.g. `wrong-pin`), `none` on success, `other` past ``maximumErrorLabels`` names;
/// - `smartsetup_job_duration_seconds{kind,outcome}`: histogram of whole jobs;
/// - `smartsetup_phase_reached_total{kind,phase}`: jobs that reached each phase;
/// - `smartsetup_phase_duration_seconds{phase}`: histogram of each phase's duration.
public final class MetricsRecorder: Sendable {
    /// The most distinct `error` label values; later new ones are counted as `other`.
    public static let maximumErrorLabels = 32
    /// The histogram buckets of the job and phase durations.
    public static let buckets: [Duration] = [
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10), .seconds(20), .seconds(30), .seconds(60), .seconds(120),
    ]

    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let errorLabels = Mutex<Set<String>>([])

    /// A recorder with an empty registry of its own.
    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.buckets
        self.factory = factory
    }

    /// Records one finished job: its kind, outcome, error kind name (nil on success; must be a
    /// short lowercase name such as `wrong-pin`, anything else counts as `other`) and the
    /// duration of each phase it reached. `duration` is the whole job's, when known.
    public func record(kind: JobKind, outcome: JobOutcome, error: String?, phaseDurations: [JobPhase: Duration], duration: Duration? = nil) {
        let errorLabel = label(forError: error)
        Counter(label: "smartsetup_jobs_total", dimensions: [("kind", kind.rawValue), ("outcome", outcome.rawValue), ("error", errorLabel)], factory: factory)
            .increment()
        if let duration {
            Timer(label: "smartsetup_job_duration_seconds", dimensions: [("kind", kind.rawValue), ("outcome", outcome.rawValue)], factory: factory)
                .recordNanoseconds(Self.nanoseconds(duration))
        }
        for phase in JobPhase.allCases {
            guard let phaseDuration = phaseDurations[phase] else { continue }
            Counter(label: "smartsetup_phase_reached_total", dimensions: [("kind", kind.rawValue), ("phase", phase.rawValue)], factory: factory)
                .increment()
            Timer(label: "smartsetup_phase_duration_seconds", dimensions: [("phase", phase.rawValue)], factory: factory)
                .recordNanoseconds(Self.nanoseconds(phaseDuration))
        }
    }

    /// The metrics in the Prometheus text exposition format.
    public func text() -> String {
        registry.emitToString()
    }

    /// Writes ``text()`` to `path` atomically (see ``TextFileWriter``): node_exporter never
    /// reads half a file.
    public func flush(to path: String) throws(MetricsFileError) {
        try TextFileWriter.write(registry.emitToBuffer(), to: path)
    }

    /// `error` when it is a short lowercase kind name and one of the first
    /// ``maximumErrorLabels``; "none" for nil; else "other".
    func label(forError error: String?) -> String {
        guard let error else { return "none" }
        let valid = (1...32).contains(error.utf8.count) && error.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        guard valid else { return "other" }
        return errorLabels.withLock { labels in
            if labels.contains(error) { return error }
            guard labels.count < Self.maximumErrorLabels else { return "other" }
            labels.insert(error)
            return error
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return max(0, seconds) &* 1_000_000_000 &+ max(0, attoseconds) / 1_000_000_000
    }
}
