/// A host path's `stat` result as the generator needs it.
public struct HostFileStatus: Sendable, Hashable {
    /// `st_mode` (type and permission bits).
    public var mode: UInt32
    /// `st_rdev` (the device number of a device node).
    public var rdev: UInt64

    /// Creates a status.
    public init(mode: UInt32, rdev: UInt64) {
        self.mode = mode
        self.rdev = rdev
    }

    /// Whether the path is a block device.
    public var isBlockDevice: Bool { mode & 0o170000 == 0o060000 }
    /// Whether the path is a character device.
    public var isCharacterDevice: Bool { mode & 0o170000 == 0o020000 }
    /// Whether the path is a regular file.
    public var isRegularFile: Bool { mode & 0o170000 == 0o100000 }
}

/// Why a host path could not be looked at.
public struct HostLookupFailure: Error, Sendable, Hashable {
    /// The `errno` value.
    public var code: Int32
    /// Its text (`strerror`), as Perl's `$!` prints it.
    public var text: String

    /// Creates a failure.
    public init(code: Int32, text: String) {
        self.code = code
        self.text = text
    }

    /// `ENOENT`.
    public static let noSuchFile = HostLookupFailure(code: 2, text: "No such file or directory")
}

/// The host paths the generator looks at while it generates, as Proxmox does: device nodes of
/// `devN`, the include files of the LXC config directory, `common.seccomp` and the syscall
/// daemon's socket. The generator does no I/O itself; ``LiveHostLookup`` asks the running host.
public protocol HostLookup: Sendable {
    /// `stat(path)` (following symbolic links).
    func status(of path: String) -> Result<HostFileStatus, HostLookupFailure>
    /// Whether `path` is a symbolic link (`lstat`).
    func isSymbolicLink(_ path: String) -> Bool
    /// The whole contents of a file.
    func contents(of path: String) -> Result<[UInt8], HostLookupFailure>
}

/// A host described by tables, for tests and for reproducible runs: paths not listed do not
/// exist.
package struct TableHostLookup: HostLookup {
    /// `stat` results by path.
    package var statuses: [String: HostFileStatus] = [:]
    /// Symbolic links (by path).
    package var symbolicLinks: Set<String> = []
    /// File contents by path (such paths are regular files).
    package var files: [String: [UInt8]] = [:]

    package init(statuses: [String: HostFileStatus] = [:], symbolicLinks: Set<String> = [], files: [String: [UInt8]] = [:]) {
        self.statuses = statuses
        self.symbolicLinks = symbolicLinks
        self.files = files
    }

    package func status(of path: String) -> Result<HostFileStatus, HostLookupFailure> {
        if let s = statuses[path] { return .success(s) }
        if files[path] != nil { return .success(HostFileStatus(mode: 0o100644, rdev: 0)) }
        return .failure(.noSuchFile)
    }

    package func isSymbolicLink(_ path: String) -> Bool { symbolicLinks.contains(path) }

    package func contents(of path: String) -> Result<[UInt8], HostLookupFailure> {
        if let f = files[path] { return .success(f) }
        return .failure(.noSuchFile)
    }
}
