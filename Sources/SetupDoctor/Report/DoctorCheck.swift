/// One line of the doctor's checklist: what was checked, what was found and, when something is
/// wrong, how to fix it.
public struct DoctorCheck: Sendable, Hashable {
    /// How a check came out.
    public enum Status: String, Sendable, Hashable {
        /// As it should be.
        case ok
        /// Worth knowing, nothing to fix (an optional service that is not running).
        case info
        /// Works, but not as recommended.
        case warning
        /// smartsetup cannot work until this is fixed.
        case failed
        /// Not checked, because an earlier check failed.
        case skipped
    }

    /// A stable machine-readable name, e.g. `kernel`, `controller.hci0`, `bluetoothd`.
    public var id: String
    /// What was checked, for a person.
    public var title: String
    /// How it came out.
    public var status: Status
    /// What was found.
    public var found: String
    /// What to do about it; nil when nothing is to be done.
    public var fix: String?
    /// The exit code this check sets when it failed (see ``DoctorExitCode``).
    public var failure: DoctorExitCode?

    /// A check; `failure` matters only when `status` is `.failed`.
    public init(id: String, title: String, status: Status, found: String, fix: String? = nil, failure: DoctorExitCode? = nil) {
        self.id = id
        self.title = title
        self.status = status
        self.found = found
        self.fix = fix
        self.failure = failure
    }
}
