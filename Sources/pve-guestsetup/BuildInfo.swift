/// The version of this build: the one place it is written.
///
/// `scripts/build-deb` reads `version` from this file for the package version and, for the time of
/// its build only, fills in `commit` (`git rev-parse`) and puts the file back afterwards. A plain
/// `swift build` leaves `commit` nil, so `--version` prints the version alone.
enum BuildInfo {
    /// The release version (Debian's upstream version of the package).
    static let version = "0.1.0"
    /// The git commit the release build was made from, or nil.
    static let commit: String? = nil
}
