import Glibc

/// An owned file descriptor, closed when the last reference goes away.
final class Descriptor: Sendable {
    let raw: CInt
    init(_ raw: CInt) { self.raw = raw }
    deinit { Syscalls.close(raw) }
}

extension FileKind {
    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symlink
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        default: self = .unknown
        }
    }
}

extension FileInfo {
    init(_ st: stat) {
        self.init(
            kind: FileKind(mode: st.st_mode), mode: UInt32(st.st_mode) & 0o7777,
            owner: FileOwner(uid: st.st_uid, gid: st.st_gid), size: Int(st.st_size))
    }
}

extension FileError {
    /// Wraps a failed system call: the code follows from the errno, the reason is its text.
    init(_ errno: Errno, path: String, operation: String) {
        let code: Code
        switch errno {
        case .noSuchFileOrDirectory: code = .notFound
        case .fileExists: code = .exists
        case .notDirectory: code = .notDirectory
        case .isDirectory: code = .isDirectory
        case .tooManySymbolicLinks: code = .symlinkLoop
        case .fileTooLarge: code = .tooLarge
        default: code = .system
        }
        self.init(code: code, path: path, operation: operation, errno: errno.rawValue, reason: errno.description)
    }
}
