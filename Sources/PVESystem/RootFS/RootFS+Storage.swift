import Glibc

// Operations the storage layer needs beyond `GuestFileSystem`: sparse image files, removing
// directories, and `mkdir -p`. They resolve paths inside the root like every other `RootFS` call.
extension RootFS {
    /// Creates a new regular file of `size` bytes without writing data (a sparse file, as
    /// `qemu-img create -f raw` makes), with permission bits `mode`. Never replaces anything:
    /// throws `.exists` if the name is taken.
    public func createSparseFile(_ path: String, size: UInt64, mode: UInt32) throws(FileError) {
        let op = "create"
        let location = try resolve(path, followLast: false, op: op)
        guard let name = location.name else { throw FileError(.isDirectory, path: path, operation: op) }
        guard size <= UInt64(Int64.max) else { throw FileError(.fileTooLarge, path: path, operation: op) }
        let fd: Descriptor
        switch Syscalls.openat(
            location.dir.raw, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(mode & 0o7777))
        {
        case .success(let raw): fd = Descriptor(raw)
        case .failure(let e): throw FileError(e, path: path, operation: op)
        }
        if case .failure(let e) = Syscalls.ftruncate(fd.raw, off_t(size)) {
            _ = Syscalls.unlinkat(location.dir.raw, name, 0)
            throw FileError(e, path: path, operation: "resize")
        }
    }

    /// Removes an empty directory. Throws `.notFound` if absent, `.system` (ENOTEMPTY) if not empty.
    public func removeDirectory(_ path: String) throws(FileError) {
        let location = try resolve(path, followLast: false, op: "rmdir")
        guard let name = location.name else { throw FileError(.isDirectory, path: path, operation: "rmdir") }
        if case .failure(let e) = Syscalls.unlinkat(location.dir.raw, name, AT_REMOVEDIR) {
            throw FileError(e, path: path, operation: "rmdir")
        }
    }

    /// Creates `path` and any missing parents with `mode` (like `mkdir -p`); existing directories
    /// are kept as they are.
    public func makeDirectories(_ path: String, mode: UInt32, owner: FileOwner?) throws(FileError) {
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            switch try info(current, followSymlinks: true)?.kind {
            case .directory?: continue
            case nil: try makeDirectory(current, mode: mode, owner: owner)
            case _?: throw FileError(.notDirectory, path: current, operation: "mkdir")
            }
        }
    }
}

/// Which file-system object a path names: device and inode number (`stat`'s `st_dev`, `st_ino`).
public struct FileIdentity: Sendable, Hashable {
    /// The device holding the object.
    public var device: UInt64
    /// The inode number on that device.
    public var inode: UInt64

    /// Creates an identity.
    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
}

extension RootFS {
    /// The identity of the object at `path` (a final symlink is not followed); nil when nothing
    /// is there. Comparing identities before and after a mount shows what a path leads to.
    public func identity(_ path: String) throws(FileError) -> FileIdentity? {
        let location: Location
        do {
            location = try resolve(path, followLast: false, op: "stat")
        } catch  where error.code == .notFound {
            return nil
        }
        let result =
            location.name.map { Syscalls.fstatat(location.dir.raw, $0, AT_SYMLINK_NOFOLLOW) }
            ?? Syscalls.fstat(location.dir.raw)
        switch result {
        case .success(let st): return FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        case .failure(.noSuchFileOrDirectory): return nil
        case .failure(let e): throw FileError(e, path: path, operation: "stat")
        }
    }
}
