/// The only way any code in this package reads or writes inside a container's root file system.
///
/// Paths are *guest paths*: absolute paths as the guest sees them (`/etc/hostname`). An
/// implementation resolves them inside its root and never touches anything outside it, whatever
/// symlinks the (untrusted) guest has planted. Two implementations exist:
/// - `RootFS` (this module): the real, rooted, symlink-safe, atomic implementation.
/// - `InMemoryFileSystem` (test support): a dictionary-backed tree for fast unit tests.
///
/// Proxmox counterpart: the `ct_*` helpers of `PVE::LXC::Setup::Base`, which run inside a
/// forked, chrooted child (`protected_call`).
public protocol GuestFileSystem: Sendable {
    /// Metadata of the object at `path`; `nil` when nothing exists there.
    /// - Parameters:
    ///   - path: an absolute guest path.
    ///   - followSymlinks: whether a final symlink is followed (inside the root).
    func info(_ path: String, followSymlinks: Bool) throws(FileError) -> FileInfo?

    /// The whole content of the regular file at `path` (final symlinks followed inside the root).
    /// Throws `.notFound` when it does not exist, `.notRegularFile` for FIFOs, sockets, devices and
    /// directories (never blocks), `.tooLarge` past `limit` bytes.
    func read(_ path: String, limit: Int) throws(FileError) -> [UInt8]

    /// The first `count` bytes (fewer at end of file) of the regular file at `path`, without reading
    /// the rest. Same errors as `read`, except that it is never `.tooLarge`.
    /// (A default implementation reads the whole file; `RootFS` reads only the prefix.)
    func readPrefix(_ path: String, count: Int) throws(FileError) -> [UInt8]

    /// Replaces (or creates) the regular file at `path` atomically: temporary file in the same
    /// directory, full write, fsync, rename. A replaced file keeps its mode and owner unless
    /// `options` says otherwise; a new file gets `options.mode` (default 0644) and `options.owner`.
    /// A final symlink at `path` is replaced by the file, never followed.
    func write(_ path: String, _ bytes: [UInt8], options: WriteOptions) throws(FileError)

    /// Target of the symlink at `path`, as stored (not resolved).
    func readLink(_ path: String) throws(FileError) -> String

    /// Creates a symlink at `path` pointing to `target` (stored as given).
    func symlink(_ path: String, target: String) throws(FileError)

    /// Creates one directory. Throws `.exists` if something is already there.
    func makeDirectory(_ path: String, mode: UInt32, owner: FileOwner?) throws(FileError)

    /// Removes a file or symlink (not a directory). Throws `.notFound` if absent.
    func unlink(_ path: String) throws(FileError)

    /// Renames inside the root.
    func rename(_ from: String, to: String) throws(FileError)

    /// Names in a directory, sorted byte-wise, without `.` and `..`.
    func list(_ path: String) throws(FileError) -> [String]

    /// Changes the owner of the object at `path` (not following a final symlink).
    func changeOwner(_ path: String, to owner: FileOwner) throws(FileError)

    /// Changes the permission bits of the object at `path` (following a final symlink inside the root).
    func changeMode(_ path: String, to mode: UInt32) throws(FileError)

    /// First half of a staged replacement: writes `bytes` to a fresh temporary file beside `path`
    /// with its final mode and owner (as `write` would give them), without making it visible at
    /// `path` or flushing it. `commitStaged` renames it into place, `discardStaged` removes it.
    /// Many files can be staged before any is committed, so that a failure while writing (a full
    /// disk) leaves every path as it was.
    func stageWrite(_ path: String, _ bytes: [UInt8], options: WriteOptions) throws(FileError) -> StagedChange

    /// Stages a symlink at `path` pointing to `target` (created under a temporary name).
    func stageSymlink(_ path: String, target: String) throws(FileError) -> StagedChange

    /// Renames a staged object into place, replacing what is at its path (never following it).
    func commitStaged(_ change: StagedChange) throws(FileError)

    /// Removes a staged object that will not be committed. Never fails.
    func discardStaged(_ change: StagedChange)

    /// Makes every change so far durable (one `syncfs` of the guest's file system for `RootFS`).
    func synchronize() throws(FileError)

    /// Removes the empty directory at `path` (not following a final symlink).
    func removeDirectory(_ path: String) throws(FileError)
}

/// A change written under a temporary name by `GuestFileSystem.stageWrite`/`stageSymlink`,
/// waiting for `commitStaged` (rename into place) or `discardStaged`.
public struct StagedChange: Sendable {
    /// The guest path the change is for.
    public let path: String
    /// The implementation's handle (for `RootFS`: the open parent directory and temporary name).
    package let handle: any Sendable

    /// Wraps an implementation's handle for `path`.
    package init(path: String, handle: any Sendable) {
        self.path = path
        self.handle = handle
    }
}

/// The kind of file-system object.
public enum FileKind: Sendable, Hashable {
    /// A regular file.
    case regular
    /// A directory.
    case directory
    /// A symbolic link.
    case symlink
    /// A named pipe.
    case fifo
    /// A Unix socket.
    case socket
    /// A character device.
    case characterDevice
    /// A block device.
    case blockDevice
    /// Anything else.
    case unknown
}

/// Owner and group ids.
public struct FileOwner: Sendable, Hashable, CustomStringConvertible {
    /// User id.
    public var uid: UInt32
    /// Group id.
    public var gid: UInt32
    /// An owner from user and group id.
    public init(uid: UInt32, gid: UInt32) {
        self.uid = uid
        self.gid = gid
    }
    /// `0:0`.
    public static let root = FileOwner(uid: 0, gid: 0)
    public var description: String { "\(uid):\(gid)" }
}

/// What `GuestFileSystem.info` reports.
public struct FileInfo: Sendable, Hashable {
    /// The kind of object.
    public var kind: FileKind
    /// Permission bits only (`0o7777` mask).
    public var mode: UInt32
    /// Owner and group.
    public var owner: FileOwner
    /// Size in bytes.
    public var size: Int
    /// A description of one object.
    public init(kind: FileKind, mode: UInt32, owner: FileOwner, size: Int) {
        self.kind = kind
        self.mode = mode
        self.owner = owner
        self.size = size
    }
    /// A regular file with any execute bit.
    public var isExecutable: Bool { kind == .regular && mode & 0o111 != 0 }
}

/// How `GuestFileSystem.write` treats mode and owner.
public struct WriteOptions: Sendable, Hashable {
    /// Mode for a new file, or for a replaced file when `forceMode` is set.
    public var mode: UInt32
    /// Owner for a new file (`nil`: the writing process's ids), or for a replaced file when `forceOwner` is set.
    public var owner: FileOwner?
    /// Also set `mode` on a file that exists.
    public var forceMode: Bool
    /// Also set `owner` on a file that exists.
    public var forceOwner: Bool
    /// Options; by default a new file gets 0644 and the process's ids, an existing one keeps both.
    public init(mode: UInt32 = 0o644, owner: FileOwner? = nil, forceMode: Bool = false, forceOwner: Bool = false) {
        self.mode = mode
        self.owner = owner
        self.forceMode = forceMode
        self.forceOwner = forceOwner
    }
}

extension GuestFileSystem {
    /// Default `readPrefix`: reads the whole file and keeps the first `count` bytes.
    public func readPrefix(_ path: String, count: Int) throws(FileError) -> [UInt8] {
        Array(try read(path, limit: Int.max).prefix(max(count, 0)))
    }

    /// Default staging for implementations without their own: the content is written (with
    /// `write`) to a temporary name beside `path`, which `commitStaged` renames.
    public func stageWrite(_ path: String, _ bytes: [UInt8], options: WriteOptions) throws(FileError) -> StagedChange {
        let temporary = Self.stagingName(for: path)
        try write(temporary, bytes, options: options)
        return StagedChange(path: path, handle: temporary)
    }

    /// Default: a symlink at a temporary name beside `path`.
    public func stageSymlink(_ path: String, target: String) throws(FileError) -> StagedChange {
        let temporary = Self.stagingName(for: path)
        try symlink(temporary, target: target)
        return StagedChange(path: path, handle: temporary)
    }

    /// Default: renames the temporary name over `path`.
    public func commitStaged(_ change: StagedChange) throws(FileError) {
        guard let temporary = change.handle as? String else {
            throw FileError(code: .invalidPath, path: change.path, operation: "commit", reason: "not staged here")
        }
        try rename(temporary, to: change.path)
    }

    /// Default: unlinks the temporary name.
    public func discardStaged(_ change: StagedChange) {
        if let temporary = change.handle as? String { try? unlink(temporary) }
    }

    /// Default: nothing to flush.
    public func synchronize() throws(FileError) {}

    /// Default: refused (implementations that can create directories in a commit override it).
    public func removeDirectory(_ path: String) throws(FileError) {
        throw FileError(code: .system, path: path, operation: "rmdir", reason: "not supported by this file system")
    }

    private static func stagingName(for path: String) -> String {
        let parent = GuestPathResolver.parent(of: path)
        let name = GuestPathResolver.name(of: path)
        return (parent == "/" ? "/" : parent + "/") + ".pve-guestsetup.staged." + name
    }

    /// `true` if anything (also a dangling symlink) exists at `path`.
    public func exists(_ path: String) throws(FileError) -> Bool {
        try info(path, followSymlinks: false) != nil
    }

    /// Reads the file if it exists; `nil` when absent.
    public func readIfExists(_ path: String, limit: Int = 16 << 20) throws(FileError) -> [UInt8]? {
        do {
            return try read(path, limit: limit)
        } catch let error where error.code == .notFound {
            return nil
        }
    }
}
