import Glibc

/// Host files outside any guest (container configs, the host's `resolv.conf`, `zone.tab`): read
/// without blocking and never past a limit, replaced atomically keeping owner, group and mode, and
/// edited through a symlink (the link stays a link).
///
/// The same rules as `RootFS`, for host paths the administrator names: a FIFO, socket or device
/// is refused with an error naming the file (opening it could block or have effects), a file
/// larger than the caller's limit is an error naming the file and the limit, and memory never
/// grows past the limit whatever the file's size (a sparse 8 GB file costs nothing).
public enum HostFile {
    /// The whole content of the regular file at host path `path` (symlinks followed).
    /// - Throws: `FileError` `.notFound`, `.isDirectory`, `.notRegularFile` (FIFO, socket,
    ///   device), `.tooLarge` past `limit` bytes, `.system` for other failing calls.
    public static func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        let op = "read"
        // Refuse anything but a regular file before opening it, and again after (it may be swapped).
        switch stat(path, op: op) {
        case .success(let st): try requireRegular(st, path: path, op: op)
        case .failure(let e): throw e
        }
        let fd: Descriptor
        switch Syscalls.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY) {
        case .success(let raw): fd = Descriptor(raw)
        case .failure(let e): throw FileError(e, path: path, operation: op)
        }
        let size: Int
        switch Syscalls.fstat(fd.raw) {
        case .success(let st):
            try requireRegular(st, path: path, op: op)
            size = Int(st.st_size)
        case .failure(let e): throw FileError(e, path: path, operation: op)
        }
        let limit = max(limit, 0)
        if size > limit { throw BoundedRead.tooLarge(path, limit) }
        return try BoundedRead.readAll(fd.raw, path: path, upTo: limit, expected: size, failPastLimit: true)
    }

    /// Metadata of the object at host path `path` (symlinks followed); `nil` when absent.
    public static func info(_ path: String) throws(FileError) -> FileInfo? {
        switch stat(path, op: "stat") {
        case .success(let st): return FileInfo(st)
        case .failure(let e) where e.code == .notFound: return nil
        case .failure(let e): throw e
        }
    }

    /// The path a write to `path` must replace so that a symlink at `path` stays a link and its
    /// target gets the new content: `path` itself when it is no symlink or does not exist, else
    /// the link's final target (every link resolved).
    public static func writeTarget(_ path: String) throws(FileError) -> String {
        guard case .success(let st) = Syscalls.statPath(path, follow: false), st.st_mode & S_IFMT == S_IFLNK else {
            return path
        }
        switch Syscalls.realpath(path) {
        case .success(let target): return target
        case .failure(let e): throw FileError(e, path: path, operation: "resolve symlink")
        }
    }

    /// Replaces the regular file at `path` (or creates it with `newFileMode`) atomically: the
    /// content goes to a fresh temporary file in the same directory, which gets the old file's
    /// owner, group and mode, is fsynced and renamed over the old one; then the directory is
    /// fsynced. A symlink at `path` is followed (see `writeTarget`) and stays in place. A failure
    /// leaves the old file as it was and no temporary file behind.
    /// - Throws: `FileError` naming `path` (e.g. `.system` with ENOSPC, or EPERM when the owner
    ///   cannot be kept).
    public static func replace(_ path: String, with bytes: [UInt8], newFileMode: UInt32 = 0o640) throws(FileError) {
        let target = try writeTarget(path)
        var mode = mode_t(newFileMode & 0o7777)
        var owner: FileOwner? = nil
        switch stat(target, op: "write") {
        case .success(let st):
            let info = FileInfo(st)
            if info.kind == .directory { throw FileError(.isDirectory, path: path, operation: "write") }
            if info.kind != .regular { throw RootFS.notRegular(path, "write", info.kind) }
            mode = mode_t(info.mode)
            owner = info.owner
        case .failure(let e) where e.code == .notFound: break
        case .failure(let e): throw e
        }
        let (dirPath, name) = split(target)
        let dir: Descriptor
        switch Syscalls.open(dirPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC) {
        case .success(let raw): dir = Descriptor(raw)
        case .failure(let e): throw FileError(e, path: dirPath, operation: "open directory of '\(path)'")
        }
        let staged = try StagedFileWriter.stage(
            in: dir, name: name, bytes: bytes, mode: mode, owner: owner, path: path, injectedFailure: nil)
        try staged.flush()
        try staged.rename()
        switch Syscalls.fsync(dir.raw) {
        case .success, .failure(.invalidArgument), .failure(.badFileDescriptor): break
        case .failure(let e): throw FileError(e, path: path, operation: "fsync directory of")
        }
    }

    private static func stat(_ path: String, op: String) -> Result<stat, FileError> {
        Syscalls.statPath(path, follow: true).mapError { FileError($0, path: path, operation: op) }
    }

    private static func requireRegular(_ st: stat, path: String, op: String) throws(FileError) {
        let kind = FileKind(mode: st.st_mode)
        if kind == .regular { return }
        if kind == .directory { throw FileError(.isDirectory, path: path, operation: op) }
        throw RootFS.notRegular(path, op, kind)
    }

    /// Directory and final name of a host path (`.` for a bare name).
    static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let dir = slash == path.startIndex ? "/" : String(path[..<slash])
        return (dir, String(path[path.index(after: slash)...]))
    }
}
