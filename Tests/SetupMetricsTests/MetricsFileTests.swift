import Foundation
import SetupMetrics
import Testing

/// The metrics file: written atomically, parses as the Prometheus text format, holds what was
/// recorded and nothing unbounded.
@Suite struct MetricsFileTests {
    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func theFileParsesAndCountsPerOutcomeAndPhase() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let metrics = MetricsRecorder()
        metrics.record(
            kind: .pair, outcome: .succeeded, error: nil,
            phaseDurations: [.scan: .seconds(2), .connect: .milliseconds(700), .servicesResolved: .milliseconds(300),
                             .handshake: .milliseconds(120), .credentialsAccepted: .milliseconds(80), .joined: .seconds(6)],
            duration: .seconds(9))
        metrics.record(kind: .pair, outcome: .failed, error: "wrong-pin", phaseDurations: [.scan: .seconds(1), .connect: .milliseconds(900)], duration: .seconds(3))
        metrics.record(kind: .pair, outcome: .failed, error: "wrong-pin", phaseDurations: [.scan: .seconds(1)])
        let path = directory + "/smartsetup.prom"
        try metrics.flush(to: path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["smartsetup.prom"])

        let families = try PrometheusText.parse(try String(contentsOfFile: path, encoding: .utf8))
        #expect(families["smartsetup_jobs_total"]?.type == "counter")
        #expect(families["smartsetup_job_duration_seconds"]?.type == "histogram")
        #expect(families["smartsetup_phase_reached_total"]?.type == "counter")
        #expect(families["smartsetup_phase_duration_seconds"]?.type == "histogram")
        let jobs = try #require(families["smartsetup_jobs_total"])
        #expect(jobs.value("smartsetup_jobs_total", ["kind": "pair", "outcome": "succeeded", "error": "none"]) == 1)
        #expect(jobs.value("smartsetup_jobs_total", ["kind": "pair", "outcome": "failed", "error": "wrong-pin"]) == 2)
        let reached = try #require(families["smartsetup_phase_reached_total"])
        #expect(reached.value("smartsetup_phase_reached_total", ["kind": "pair", "phase": "scan"]) == 3)
        #expect(reached.value("smartsetup_phase_reached_total", ["kind": "pair", "phase": "connect"]) == 2)
        #expect(reached.value("smartsetup_phase_reached_total", ["kind": "pair", "phase": "joined"]) == 1)
        let phases = try #require(families["smartsetup_phase_duration_seconds"])
        #expect(phases.value("smartsetup_phase_duration_seconds_count", ["phase": "scan"]) == 3)
        #expect(phases.value("smartsetup_phase_duration_seconds_sum", ["phase": "scan"]) == 4)
        #expect(phases.value("smartsetup_phase_duration_seconds_bucket", ["phase": "scan", "le": "1.0"]) == 2)
        #expect(phases.value("smartsetup_phase_duration_seconds_bucket", ["phase": "scan", "le": "+Inf"]) == 3)
        let durations = try #require(families["smartsetup_job_duration_seconds"])
        #expect(durations.value("smartsetup_job_duration_seconds_count", ["kind": "pair", "outcome": "failed"]) == 1)
        // Only bounded labels.
        let labelNames = Set(families.values.flatMap { $0.samples.flatMap { $0.labels.keys } })
        #expect(labelNames.isSubset(of: ["kind", "outcome", "error", "phase", "le"]))

        // A second flush replaces the file whole.
        metrics.record(kind: .reset, outcome: .cancelled, error: "cancelled", phaseDurations: [:])
        try metrics.flush(to: path)
        let again = try PrometheusText.parse(try String(contentsOfFile: path, encoding: .utf8))
        #expect(again["smartsetup_jobs_total"]?.value("smartsetup_jobs_total", ["kind": "reset", "outcome": "cancelled", "error": "cancelled"]) == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["smartsetup.prom"])
    }

    @Test func errorLabelsAreBoundedAndChecked() throws {
        let metrics = MetricsRecorder()
        metrics.record(kind: .pair, outcome: .failed, error: "Secret PIN 12345670", phaseDurations: [:])
        metrics.record(kind: .pair, outcome: .failed, error: String(repeating: "a", count: 33), phaseDurations: [:])
        for index in 0..<(MetricsRecorder.maximumErrorLabels + 5) {
            metrics.record(kind: .identify, outcome: .failed, error: "kind-\(index)", phaseDurations: [:])
        }
        let families = try PrometheusText.parse(metrics.text())
        let jobs = try #require(families["smartsetup_jobs_total"])
        #expect(!metrics.text().contains("12345670"))
        #expect(jobs.value("smartsetup_jobs_total", ["kind": "pair", "outcome": "failed", "error": "other"]) == 2)
        #expect(jobs.value("smartsetup_jobs_total", ["kind": "identify", "outcome": "failed", "error": "other"]) == 5)
        let errors = Set(jobs.samples.compactMap { $0.labels["error"] })
        #expect(errors.count == MetricsRecorder.maximumErrorLabels + 1)
    }

    @Test func aFailedWriteLeavesTheOldFileAndNoTemporary() throws {
        let metrics = MetricsRecorder()
        #expect(throws: MetricsFileError.self) { try metrics.flush(to: "/nonexistent-directory/smartsetup.prom") }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // rename(2) onto a non-empty directory fails: the temporary file is removed.
        try FileManager.default.createDirectory(atPath: directory + "/smartsetup.prom/x", withIntermediateDirectories: true)
        #expect { try metrics.flush(to: directory + "/smartsetup.prom") } throws: { ($0 as? MetricsFileError)?.step == "rename" }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["smartsetup.prom"])
    }
}
