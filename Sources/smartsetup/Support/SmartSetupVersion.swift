/// The version of smartsetup: the one place it is written. `smartsetup --version` prints it and
/// `scripts/build-deb.sh` names the Debian package after what the built binary prints.
enum SmartSetupVersion {
    /// The release, as `MAJOR.MINOR.PATCH`.
    static let string = "0.1.0"
}
