/// The doctor's checklist and its verdict.
public struct DoctorReport: Sendable, Hashable {
    /// The checks in the order they ran.
    public var checks: [DoctorCheck]

    /// A report of `checks`.
    public init(checks: [DoctorCheck]) {
        self.checks = checks
    }

    /// The most fundamental failure, else `.warnings` when a check warned, else nil (ready).
    public var outcome: DoctorExitCode? {
        let failures = checks.filter { $0.status == .failed }.map { $0.failure ?? .bluetoothdUnreachable }
        if let worst = failures.min() { return worst }
        return checks.contains { $0.status == .warning } ? .warnings : nil
    }

    /// The process exit code: 0 when ready, else ``outcome``'s.
    public var exitCode: Int32 { outcome?.rawValue ?? 0 }

    /// One line for a person: ready, ready with warnings, or not ready and why.
    public var verdict: String {
        switch outcome {
        case nil:
            return "ready: smartsetup can use Bluetooth here"
        case .warnings?:
            let count = checks.filter { $0.status == .warning }.count
            return "ready, with \(count) warning\(count == 1 ? "" : "s"): see the fixes above"
        case let code?:
            let first = checks.first { $0.status == .failed && ($0.failure ?? .bluetoothdUnreachable) == code }
            return "not ready: \(code.meaning)" + (first?.fix.map { "; fix: \($0)" } ?? "")
        }
    }
}
