import Glibc

/// The real `GuestFileSystem`: every guest path is resolved inside one root directory, component
/// by component, so nothing outside the root is ever read or written, whatever symlinks the
/// (untrusted) guest has planted — also when it swaps a component for a symlink while we work.
///
/// Resolution rules (the kernel's own, applied as if the root were `/`):
/// - each directory is opened with `openat(O_NOFOLLOW|O_DIRECTORY|O_CLOEXEC)` relative to the
///   previous one; a symlink is read with `readlinkat` and its target followed from the root
///   (absolute target) or from the directory holding it (relative target);
/// - `..` never climbs above the root; at most 40 symlinks are followed per path, more is a loop;
/// - the final operation again uses no-follow flags relative to the resolved directory; if the
///   guest swapped the final name for a symlink in between, resolution starts over.
///
/// Reads never block (FIFOs, sockets and devices are refused with `.notRegularFile`); writes are
/// atomic (temporary file, fsync, rename, fsync of the directory).
///
/// Proxmox counterpart: the `ct_*` helpers of `PVE::LXC::Setup::Base` running inside a forked,
/// chrooted child (`PVE::LXC::Setup::protected_call`). `RootFS` needs neither root nor fork.
public struct RootFS: GuestFileSystem {
    /// The host path of the root directory, as given to `init(path:)`.
    public let rootPath: String
    /// Owner given to newly created files, directories and symlinks when the caller names none
    /// (`nil`: the ids of this process). Unprivileged containers map guest root to e.g. 100000:100000.
    public var newFileOwner: FileOwner?

    /// Test hook: makes `write` fail with this error after writing half of the content to the
    /// temporary file, to prove that a failed write leaves the original intact.
    package var injectedWriteFailure: Errno?

    let root: Descriptor

    /// Maximum number of symlinks followed while resolving one path (the kernel's limit).
    public static let maximumSymlinkHops = 40

    /// Opens the root directory at host path `path`.
    /// - Throws: `FileError` (`.notFound`, `.notDirectory`, …) naming `path`.
    public init(path: String) throws(FileError) {
        try self.init(path: path, newFileOwner: nil)
    }

    /// Opens the root directory at host path `path`; new files get `newFileOwner` by default.
    public init(path: String, newFileOwner: FileOwner?) throws(FileError) {
        switch Syscalls.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) {
        case .success(let fd): root = Descriptor(fd)
        case .failure(let e): throw FileError(e, path: path, operation: "open root directory")
        }
        rootPath = path
        self.newFileOwner = newFileOwner
    }

    // MARK: - Resolution

    /// A resolved location: a directory and a name in it, or the directory itself (`name == nil`).
    struct Location {
        let dir: Descriptor
        let name: String?
    }

    static func components(_ path: String, op: String, display: String) throws(FileError) -> [String] {
        if path.utf8.contains(0) {
            throw FileError(code: .invalidPath, path: display, operation: op, reason: "path contains a NUL byte")
        }
        return path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    /// Resolves `path` inside the root. Every component but the last must be a directory (symlinks
    /// followed inside the root); the last is followed too when `followLast` is set. The final
    /// name need not exist.
    func resolve(_ path: String, followLast: Bool, op: String) throws(FileError) -> Location {
        if path.isEmpty {
            throw FileError(code: .invalidPath, path: path, operation: op, reason: "empty path")
        }
        var pending = try Self.components(path, op: op, display: path)
        pending.reverse()
        var stack: [Descriptor] = [root]
        var hops = 0
        while let component = pending.popLast() {
            if component == "." { continue }
            if component == ".." {
                if stack.count > 1 { stack.removeLast() }
                continue
            }
            let dir = stack[stack.count - 1]
            let isLast = pending.isEmpty
            if isLast && !followLast { return Location(dir: dir, name: component) }
            if !isLast {
                switch Syscalls.openat(dir.raw, component, O_RDONLY | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK)
                {
                case .success(let fd):
                    stack.append(Descriptor(fd))
                    continue
                case .failure(.tooManySymbolicLinks), .failure(.notDirectory):
                    break  // a symlink (or not a directory): look below
                case .failure(let e):
                    throw FileError(e, path: path, operation: op)
                }
            }
            switch Syscalls.readlinkat(dir.raw, component) {
            case .success(let target):
                hops += 1
                if hops > Self.maximumSymlinkHops {
                    throw FileError(.tooManySymbolicLinks, path: path, operation: op)
                }
                let text = String(decoding: target, as: UTF8.self)
                if target.first == UInt8(ascii: "/") { stack.removeSubrange(1...) }
                let more = try Self.components(text, op: op, display: path)
                pending.append(contentsOf: more.reversed())
            case .failure(.invalidArgument):  // exists, not a symlink
                if isLast { return Location(dir: dir, name: component) }
                throw FileError(.notDirectory, path: path, operation: op)
            case .failure(.noSuchFileOrDirectory) where isLast:
                return Location(dir: dir, name: component)
            case .failure(let e):
                throw FileError(e, path: path, operation: op)
            }
        }
        return Location(dir: stack[stack.count - 1], name: nil)
    }

    /// Runs `body` on the resolved location, starting over (a bounded number of times) when it
    /// reports that the guest swapped the final name for a symlink in between.
    func withResolved<T>(
        _ path: String, followLast: Bool, op: String, _ body: (Location) throws(FileError) -> T?
    ) throws(FileError) -> T {
        for _ in 0...Self.maximumSymlinkHops {
            let location = try resolve(path, followLast: followLast, op: op)
            if let result = try body(location) { return result }
        }
        throw FileError(.tooManySymbolicLinks, path: path, operation: op)
    }

    // MARK: - GuestFileSystem

    public func info(_ path: String, followSymlinks: Bool) throws(FileError) -> FileInfo? {
        do {
            return try withResolved(path, followLast: followSymlinks, op: "stat") {
                (location) throws(FileError) -> FileInfo?? in
                guard let name = location.name else {
                    switch Syscalls.fstat(location.dir.raw) {
                    case .success(let st): return .some(FileInfo(st))
                    case .failure(let e): throw FileError(e, path: path, operation: "stat")
                    }
                }
                switch Syscalls.fstatat(location.dir.raw, name, AT_SYMLINK_NOFOLLOW) {
                case .success(let st):
                    let info = FileInfo(st)
                    if followSymlinks && info.kind == .symlink { return nil }  // swapped: start over
                    return .some(info)
                case .failure(.noSuchFileOrDirectory): return .some(nil)
                case .failure(let e): throw FileError(e, path: path, operation: "stat")
                }
            }
        } catch  where error.code == .notFound {
            return nil
        }
    }

    public func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        let (fd, size) = try openRegular(path, op: "read")
        let limit = max(limit, 0)
        if size > limit { throw Self.tooLarge(path, limit) }
        return try BoundedRead.readAll(fd.raw, path: path, upTo: limit, expected: size, failPastLimit: true)
    }

    public func readPrefix(_ path: String, count: Int) throws(FileError) -> [UInt8] {
        let (fd, size) = try openRegular(path, op: "read")
        return try BoundedRead.readAll(fd.raw, path: path, upTo: max(count, 0), expected: size, failPastLimit: false)
    }

    /// Opens the regular file at `path` (final symlinks followed inside the root) without
    /// blocking; anything else is refused before it is opened and again after (`fstat`).
    private func openRegular(_ path: String, op: String) throws(FileError) -> (Descriptor, Int) {
        let fd: Descriptor = try withResolved(path, followLast: true, op: op) {
            (location) throws(FileError) -> Descriptor? in
            guard let name = location.name else {
                throw FileError(.isDirectory, path: path, operation: op)
            }
            // Refuse non-regular files before opening them (opening a device can have effects).
            switch Syscalls.fstatat(location.dir.raw, name, AT_SYMLINK_NOFOLLOW) {
            case .success(let st):
                switch FileKind(mode: st.st_mode) {
                case .regular: break
                case .symlink: return nil
                case .directory: throw FileError(.isDirectory, path: path, operation: op)
                case let kind: throw Self.notRegular(path, op, kind)
                }
            case .failure(let e): throw FileError(e, path: path, operation: op)
            }
            let flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY
            switch Syscalls.openat(location.dir.raw, name, flags) {
            case .success(let raw): return Descriptor(raw)
            case .failure(.tooManySymbolicLinks): return nil
            case .failure(let e): throw FileError(e, path: path, operation: op)
            }
        }
        switch Syscalls.fstat(fd.raw) {
        case .success(let st):
            let kind = FileKind(mode: st.st_mode)
            if kind == .regular { return (fd, Int(st.st_size)) }
            if kind == .directory { throw FileError(.isDirectory, path: path, operation: op) }
            throw Self.notRegular(path, op, kind)
        case .failure(let e): throw FileError(e, path: path, operation: op)
        }
    }

    static func notRegular(_ path: String, _ op: String, _ kind: FileKind) -> FileError {
        let name: String
        switch kind {
        case .fifo: name = "FIFO"
        case .socket: name = "socket"
        case .characterDevice: name = "character device"
        case .blockDevice: name = "block device"
        case .symlink: name = "symbolic link"
        case .directory: name = "directory"
        default: name = "\(kind)"
        }
        return FileError(code: .notRegularFile, path: path, operation: op, reason: "not a regular file (\(name))")
    }

    static func tooLarge(_ path: String, _ limit: Int) -> FileError { BoundedRead.tooLarge(path, limit) }
}
