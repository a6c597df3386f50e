import Glibc

/// The write half of every atomic replacement: a fresh temporary file beside the final name,
/// written in full, given its owner (first: `fchown` clears set-id bits) and mode. Renaming it
/// over the final name is a separate step, so a caller can stage many files and rename them only
/// when all are written.
struct StagedFileWriter: Sendable {
    let dir: Descriptor
    let temporary: String
    let name: String
    let path: String
    /// The open temporary file (for an `fsync` before the rename); closed when the last copy goes.
    /// `nil` for a staged symlink.
    let fd: Descriptor?

    /// `fsync` of the temporary file (nothing for a symlink); removes it on failure.
    func flush() throws(FileError) {
        guard let fd else { return }
        if case .failure(let e) = Syscalls.fsync(fd.raw) {
            discard()
            throw FileError(e, path: path, operation: "fsync")
        }
    }

    /// Creates a symlink to `target` under a fresh temporary name in `dir`.
    static func stageSymlink(in dir: Descriptor, name: String, target: String, owner: FileOwner?, path: String)
        throws(FileError) -> StagedFileWriter
    {
        for _ in 0..<16 {
            let temporary = ".pve-guestsetup.\(String(UInt64.random(in: .min ... .max), radix: 16)).tmp"
            switch Syscalls.symlinkat(target, dir.raw, temporary) {
            case .success:
                let staged = StagedFileWriter(dir: dir, temporary: temporary, name: name, path: path, fd: nil)
                if let owner, case .failure(let e) = Syscalls.fchownat(dir.raw, temporary, owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW) {
                    staged.discard()
                    throw FileError(e, path: path, operation: "chown \(owner)")
                }
                return staged
            case .failure(.fileExists): continue
            case .failure(let e): throw FileError(e, path: path, operation: "symlink")
            }
        }
        throw FileError(.fileExists, path: path, operation: "symlink")
    }

    /// Creates and fills the temporary file; on failure nothing is left behind.
    static func stage(
        in dir: Descriptor, name: String, bytes: [UInt8], mode: mode_t, owner: FileOwner?, path: String,
        injectedFailure: Errno?
    ) throws(FileError) -> StagedFileWriter {
        var temporary = ""
        var raw: CInt = -1
        for _ in 0..<16 {
            temporary = ".pve-guestsetup.\(String(UInt64.random(in: .min ... .max), radix: 16)).tmp"
            switch Syscalls.openat(dir.raw, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600) {
            case .success(let fd): raw = fd
            case .failure(.fileExists): continue
            case .failure(let e): throw FileError(e, path: path, operation: "create temporary file for")
            }
            break
        }
        if raw < 0 { throw FileError(.fileExists, path: path, operation: "create temporary file for") }
        let staged = StagedFileWriter(dir: dir, temporary: temporary, name: name, path: path, fd: Descriptor(raw))
        let written: Result<Void, Errno> = bytes.withUnsafeBytes { all in
            var offset = 0
            let stopAt = injectedFailure == nil ? all.count : all.count / 2
            while offset < stopAt {
                let slice = UnsafeRawBufferPointer(rebasing: all[offset..<stopAt])
                switch Syscalls.write(raw, from: slice) {
                case .success(let n): offset += n
                case .failure(let e): return .failure(e)
                }
            }
            if let injectedFailure { return .failure(injectedFailure) }
            return .success(())
        }
        if case .failure(let e) = written {
            staged.discard()
            throw FileError(e, path: path, operation: "write")
        }
        let ids = Syscalls.effectiveOwner
        if let owner, owner != FileOwner(uid: ids.uid, gid: ids.gid) {
            if case .failure(let e) = Syscalls.fchown(raw, owner.uid, owner.gid) {
                staged.discard()
                throw FileError(e, path: path, operation: "chown \(owner)")
            }
        }
        if case .failure(let e) = Syscalls.fchmod(raw, mode) {
            staged.discard()
            throw FileError(e, path: path, operation: "chmod")
        }
        return staged
    }

    /// Renames the temporary file over the final name (removing it if that fails).
    func rename() throws(FileError) {
        if case .failure(let e) = Syscalls.renameat(dir.raw, temporary, dir.raw, name) {
            discard()
            throw FileError(e, path: path, operation: "rename temporary file over")
        }
    }

    /// Removes the temporary file.
    func discard() {
        _ = Syscalls.unlinkat(dir.raw, temporary, 0)
    }
}
