import Glibc

extension RootFS {
    /// Whether `owner` (if any) differs from the ids new objects get anyway (this process's).
    private static func needsChown(_ owner: FileOwner?, current: FileOwner) -> FileOwner? {
        guard let owner, owner != current else { return nil }
        return owner
    }

    private var processOwner: FileOwner {
        let ids = Syscalls.effectiveOwner
        return FileOwner(uid: ids.uid, gid: ids.gid)
    }

    /// Resolves the parent of `path` (following symlinks) and returns it with the final name,
    /// which is never followed. Throws `.isDirectory` for paths naming a directory itself (`/`, `x/..`).
    private func parentAndName(_ path: String, op: String) throws(FileError) -> (Descriptor, String) {
        let location = try resolve(path, followLast: false, op: op)
        guard let name = location.name else { throw FileError(.isDirectory, path: path, operation: op) }
        return (location.dir, name)
    }

    /// Mode and owner a write gives `name` in `dir`: a replaced regular file keeps its own unless
    /// `options` forces them. A directory there is refused; a symlink, FIFO, … is replaced.
    private func finalMetadata(_ dir: Descriptor, _ name: String, path: String, options: WriteOptions)
        throws(FileError) -> (UInt32, FileOwner?)
    {
        var mode = options.mode & 0o7777
        var owner = options.owner ?? newFileOwner
        switch Syscalls.fstatat(dir.raw, name, AT_SYMLINK_NOFOLLOW) {
        case .success(let st):
            let info = FileInfo(st)
            switch info.kind {
            case .directory: throw FileError(.isDirectory, path: path, operation: "write")
            case .regular:
                if !options.forceMode { mode = info.mode }
                if !options.forceOwner { owner = info.owner }
            default: break  // a symlink, FIFO, … is replaced, never followed or opened
            }
        case .failure(.noSuchFileOrDirectory): break
        case .failure(let e): throw FileError(e, path: path, operation: "write")
        }
        return (mode, owner)
    }

    public func write(_ path: String, _ bytes: [UInt8], options: WriteOptions) throws(FileError) {
        let op = "write"
        let (dir, name) = try parentAndName(path, op: op)
        let (mode, owner) = try finalMetadata(dir, name, path: path, options: options)

        let staged = try StagedFileWriter.stage(
            in: dir, name: name, bytes: bytes, mode: mode_t(mode), owner: Self.needsChown(owner, current: processOwner),
            path: path, injectedFailure: injectedWriteFailure)
        try staged.flush()
        try staged.rename()
        switch Syscalls.fsync(dir.raw) {
        case .success, .failure(.invalidArgument), .failure(.badFileDescriptor): break
        case .failure(let e): throw FileError(e, path: path, operation: "fsync directory of")
        }
    }

    /// Writes the temporary file of a staged replacement (see `GuestFileSystem.stageWrite`):
    /// mode and owner as `write` gives them, no flush (`synchronize` makes the batch durable).
    public func stageWrite(_ path: String, _ bytes: [UInt8], options: WriteOptions) throws(FileError) -> StagedChange {
        let (dir, name) = try parentAndName(path, op: "write")
        let (mode, owner) = try finalMetadata(dir, name, path: path, options: options)
        let staged = try StagedFileWriter.stage(
            in: dir, name: name, bytes: bytes, mode: mode_t(mode), owner: Self.needsChown(owner, current: processOwner),
            path: path, injectedFailure: injectedWriteFailure)
        // Closed now (a batch may stage many files); `synchronize` flushes them all at once.
        let closed = StagedFileWriter(dir: staged.dir, temporary: staged.temporary, name: name, path: path, fd: nil)
        return StagedChange(path: path, handle: closed)
    }

    /// Creates a staged symlink under a temporary name beside `path`.
    public func stageSymlink(_ path: String, target: String) throws(FileError) -> StagedChange {
        let (dir, name) = try parentAndName(path, op: "symlink")
        let staged = try StagedFileWriter.stageSymlink(
            in: dir, name: name, target: target, owner: Self.needsChown(newFileOwner, current: processOwner), path: path)
        return StagedChange(path: path, handle: staged)
    }

    /// Renames a staged object over its final name (in the directory resolved when it was staged).
    public func commitStaged(_ change: StagedChange) throws(FileError) {
        guard let staged = change.handle as? StagedFileWriter else {
            throw FileError(code: .invalidPath, path: change.path, operation: "commit", reason: "not staged by RootFS")
        }
        try staged.rename()
    }

    /// Removes a staged object's temporary name.
    public func discardStaged(_ change: StagedChange) {
        (change.handle as? StagedFileWriter)?.discard()
    }

    /// One `syncfs` of the file system holding the root: every staged, renamed or changed object
    /// (data, inodes, directory entries) reaches the disk before it returns.
    public func synchronize() throws(FileError) {
        if case .failure(let e) = Syscalls.syncfs(root.raw) { throw FileError(e, path: "/", operation: "syncfs") }
    }

    public func readLink(_ path: String) throws(FileError) -> String {
        let (dir, name) = try parentAndName(path, op: "readlink")
        switch Syscalls.readlinkat(dir.raw, name) {
        case .success(let target): return String(decoding: target, as: UTF8.self)
        case .failure(.invalidArgument):
            throw FileError(
                code: .invalidPath, path: path, operation: "readlink", errno: EINVAL, reason: "not a symbolic link")
        case .failure(let e): throw FileError(e, path: path, operation: "readlink")
        }
    }

    public func symlink(_ path: String, target: String) throws(FileError) {
        let (dir, name) = try parentAndName(path, op: "symlink")
        if case .failure(let e) = Syscalls.symlinkat(target, dir.raw, name) {
            throw FileError(e, path: path, operation: "symlink")
        }
        if let owner = Self.needsChown(newFileOwner, current: processOwner),
            case .failure(let e) = Syscalls.fchownat(dir.raw, name, owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW)
        {
            throw FileError(e, path: path, operation: "chown \(owner)")
        }
    }

    public func makeDirectory(_ path: String, mode: UInt32, owner: FileOwner?) throws(FileError) {
        let (dir, name) = try parentAndName(path, op: "mkdir")
        if case .failure(let e) = Syscalls.mkdirat(dir.raw, name, 0o700) {
            throw FileError(e, path: path, operation: "mkdir")
        }
        let fd: Descriptor
        switch Syscalls.openat(dir.raw, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) {
        case .success(let raw): fd = Descriptor(raw)
        case .failure(let e): throw FileError(e, path: path, operation: "mkdir")
        }
        if let newOwner = Self.needsChown(owner ?? newFileOwner, current: processOwner),
            case .failure(let e) = Syscalls.fchown(fd.raw, newOwner.uid, newOwner.gid)
        {
            throw FileError(e, path: path, operation: "chown \(newOwner)")
        }
        if case .failure(let e) = Syscalls.fchmod(fd.raw, mode_t(mode & 0o7777)) {
            throw FileError(e, path: path, operation: "chmod")
        }
    }

    public func unlink(_ path: String) throws(FileError) {
        let (dir, name) = try parentAndName(path, op: "unlink")
        if case .failure(let e) = Syscalls.unlinkat(dir.raw, name, 0) {
            throw FileError(e, path: path, operation: "unlink")
        }
    }

    public func rename(_ from: String, to: String) throws(FileError) {
        let (fromDir, fromName) = try parentAndName(from, op: "rename")
        let (toDir, toName) = try parentAndName(to, op: "rename")
        if case .failure(let e) = Syscalls.renameat(fromDir.raw, fromName, toDir.raw, toName) {
            throw FileError(e, path: from, operation: "rename to '\(to)'")
        }
    }

    public func list(_ path: String) throws(FileError) -> [String] {
        let raw: CInt = try withResolved(path, followLast: true, op: "list") { (location) throws(FileError) -> CInt? in
            let flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK
            switch Syscalls.openat(location.dir.raw, location.name ?? ".", flags) {
            case .success(let fd): return fd
            case .failure(.tooManySymbolicLinks): return nil
            case .failure(let e): throw FileError(e, path: path, operation: "list")
            }
        }
        switch Syscalls.readDirectory(consuming: raw) {
        case .success(let names):
            return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        case .failure(let e): throw FileError(e, path: path, operation: "list")
        }
    }

    public func changeOwner(_ path: String, to owner: FileOwner) throws(FileError) {
        let location = try resolve(path, followLast: false, op: "chown")
        let result: Result<Void, Errno>
        if let name = location.name {
            result = Syscalls.fchownat(location.dir.raw, name, owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW)
        } else {
            result = Syscalls.fchown(location.dir.raw, owner.uid, owner.gid)
        }
        if case .failure(let e) = result { throw FileError(e, path: path, operation: "chown \(owner)") }
    }

    public func changeMode(_ path: String, to mode: UInt32) throws(FileError) {
        let op = "chmod"
        let bits = mode_t(mode & 0o7777)
        try withResolved(path, followLast: true, op: op) { (location) throws(FileError) -> Void? in
            guard let name = location.name else {
                if case .failure(let e) = Syscalls.fchmod(location.dir.raw, bits) {
                    throw FileError(e, path: path, operation: op)
                }
                return ()
            }
            // Never follows: a symlink swapped in meanwhile gives EOPNOTSUPP, and we start over.
            switch Syscalls.fchmodat(location.dir.raw, name, bits, AT_SYMLINK_NOFOLLOW) {
            case .success: return ()
            case .failure(.notSupported):
                if case .success(let st) = Syscalls.fstatat(location.dir.raw, name, AT_SYMLINK_NOFOLLOW),
                    FileKind(mode: st.st_mode) == .symlink
                {
                    return nil
                }
                return try chmodByOpening(location.dir, name, bits, path: path)
            case .failure(let e): throw FileError(e, path: path, operation: op)
            }
        }
    }

    /// Fallback when `fchmodat(AT_SYMLINK_NOFOLLOW)` is unavailable (no /proc): open without
    /// following or blocking, then `fchmod`.
    private func chmodByOpening(_ dir: Descriptor, _ name: String, _ bits: mode_t, path: String) throws(FileError)
        -> Void?
    {
        switch Syscalls.openat(dir.raw, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY) {
        case .success(let raw):
            let fd = Descriptor(raw)
            if case .failure(let e) = Syscalls.fchmod(fd.raw, bits) {
                throw FileError(e, path: path, operation: "chmod")
            }
            return ()
        case .failure(.tooManySymbolicLinks): return nil
        case .failure(let e): throw FileError(e, path: path, operation: "chmod")
        }
    }
}
