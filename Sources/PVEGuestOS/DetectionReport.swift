/// Where a decision came from: a guest file, and the line in it when one line decided.
public struct Evidence: Sendable, Hashable {
    /// The guest path, e.g. `/etc/os-release`.
    public var file: String
    /// 1-based line number, when one line decided.
    public var line: Int?
    /// That line's text (or the value read).
    public var text: String?
    /// The rule that applied, in words, e.g. `os-release ID is a plugin name`.
    public var rule: String

    /// Creates a piece of evidence.
    public init(file: String, line: Int? = nil, text: String? = nil, rule: String) {
        self.file = file
        self.line = line
        self.text = text
        self.rule = rule
    }
}

/// Everything detection found out, for `detect --json` (beyond what Proxmox reports).
public struct DetectionReport: Sendable, Hashable {
    /// The `ostype` the caller passed (the container config's), if any.
    public var configuredType: OSType?
    /// The outcome, when Proxmox would accept the guest.
    public var detected: DetectedOS?
    /// Proxmox's refusal message, when it would refuse.
    public var error: String?
    /// Warnings in the order Proxmox would print them (also on refusal).
    public var warnings: [String]
    /// The os-release file read (`/etc/os-release` or `/usr/lib/os-release`), if any.
    public var osReleaseFile: String?
    /// Its variables read with Proxmox's rules (what decided).
    public var osRelease: OSRelease?
    /// Its variables read with the os-release(5) rules (what the distribution meant).
    public var standardOSRelease: OSRelease?
    /// The plugin type auto-detection chose (`nil` when detection was skipped or failed).
    public var autodetectedType: OSType?
    /// What chose the plugin type.
    public var decidedBy: Evidence?
    /// Where the version came from.
    public var versionFrom: Evidence?
    /// Devuan's codename (`devuan_version`), kept next to the Debian-equivalent version.
    public var codename: String?
    /// The refusal as an error (kept beside `error` so `detect` can rethrow it unchanged).
    var failure: DetectionError?

    /// Creates an empty report.
    public init(configuredType: OSType?) {
        self.configuredType = configuredType
        warnings = []
    }

    /// `ID_LIKE` (standard reading).
    public var idLike: [String] { standardOSRelease?.idLike ?? [] }
    /// `PRETTY_NAME` (standard reading).
    public var prettyName: String? { standardOSRelease?["PRETTY_NAME"] }
}
