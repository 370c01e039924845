import DBus

/// The names of the `io.smartsetup1` API (`Protocol/dbus-api.md`).
public enum ServiceNames {
    /// The bus name.
    public static let busName = "io.smartsetup1"
    /// `io.smartsetup1.Manager1`.
    public static let manager = "io.smartsetup1.Manager1"
    /// `io.smartsetup1.Job1`.
    public static let job = "io.smartsetup1.Job1"
    /// `io.smartsetup1.Printer1`.
    public static let printer = "io.smartsetup1.Printer1"
    /// `io.smartsetup1.Agent1`.
    public static let agent = "io.smartsetup1.Agent1"
    /// The manager's path.
    public static let managerPath = "/io/smartsetup1"
    /// The parent of the job objects.
    public static let jobsPath = "/io/smartsetup1/jobs"
    /// The parent of the printer objects.
    public static let printersPath = "/io/smartsetup1/printers"

    /// The D-Bus errors of the API (`io.smartsetup1.Error.*`).
    public enum ErrorName {
        /// A request key is unknown or wrong.
        public static let invalidArguments = "io.smartsetup1.Error.InvalidArguments"
        /// The queue is full.
        public static let busy = "io.smartsetup1.Error.Busy"
        /// Not the caller's job.
        public static let notAuthorized = "io.smartsetup1.Error.NotAuthorized"
        /// The daemon is stopping.
        public static let shuttingDown = "io.smartsetup1.Error.ShuttingDown"
        /// The caller has an agent already.
        public static let alreadyExists = "io.smartsetup1.Error.AlreadyExists"
        /// No such agent of the caller.
        public static let doesNotExist = "io.smartsetup1.Error.DoesNotExist"
        /// `StopDiscovery` without a share.
        public static let notDiscovering = "io.smartsetup1.Error.NotDiscovering"
        /// Anything else.
        public static let failed = "io.smartsetup1.Error.Failed"
        /// An agent declines.
        public static let canceled = "io.smartsetup1.Error.Canceled"
    }

    /// A D-Bus error reply of the API.
    static func error(_ name: String, _ message: String) -> DBusError {
        DBusError(errorName: name, message: message)
    }
}
