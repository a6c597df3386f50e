package import Glibc

// Every libc call of the package goes through this file. Calls that may be interrupted by a
// signal are repeated on EINTR; results come back as `Result<_, Errno>` so callers decide how to
// word the error (guest path + operation) at the module boundary.

/// Runs `call` until it does not fail with EINTR; `-1` means failure with `errno` set.
@inline(__always)
func retryingInterrupts<T: FixedWidthInteger & SignedInteger>(_ call: () -> T) -> Result<T, Errno> {
    while true {
        let result = call()
        if result != -1 { return .success(result) }
        let code = Glibc.errno
        if code == EINTR { continue }
        return .failure(Errno(rawValue: code))
    }
}

/// Fails with `invalidArgument` for names C cannot represent (embedded NUL).
@inline(__always)
private func withCName<T>(_ name: String, _ body: (UnsafePointer<CChar>) -> Result<T, Errno>) -> Result<T, Errno> {
    if name.utf8.contains(0) { return .failure(.invalidArgument) }
    return name.withCString(body)
}

/// libc's `flock(2)`. Glibc's Swift module shows only `struct flock` (fcntl's record-lock type)
/// under that name, so the function is bound by its C symbol: `int flock(int fd, int operation)`.
// swift-format-ignore: AlwaysUseLowerCamelCase
@_silgen_name("flock")
private func c_flock(_ fd: CInt, _ operation: CInt) -> CInt

/// The file layer's system calls; `package` so the process layer (PVERuntime) opens, reads and
/// closes descriptors through the same wrappers.
package enum Syscalls {
    package static func open(_ path: String, _ flags: CInt, _ mode: mode_t = 0) -> Result<CInt, Errno> {
        withCName(path) { p in retryingInterrupts { Glibc.open(p, flags, mode) } }
    }

    static func openat(_ dir: CInt, _ name: String, _ flags: CInt, _ mode: mode_t = 0) -> Result<CInt, Errno> {
        withCName(name) { p in retryingInterrupts { Glibc.openat(dir, p, flags, mode) } }
    }

    /// Closes `fd`. Not retried on EINTR: on Linux the descriptor is gone either way.
    @discardableResult
    package static func close(_ fd: CInt) -> Result<Void, Errno> {
        Glibc.close(fd) == 0 ? .success(()) : .failure(Errno(rawValue: Glibc.errno))
    }

    static func fstat(_ fd: CInt) -> Result<stat, Errno> {
        var st = stat()
        return retryingInterrupts { Glibc.fstat(fd, &st) }.map { _ in st }
    }

    static func fstatat(_ dir: CInt, _ name: String, _ flags: CInt) -> Result<stat, Errno> {
        var st = stat()
        return withCName(name) { p in retryingInterrupts { Glibc.fstatat(dir, p, &st, flags) } }.map { _ in st }
    }

    /// The target of the symlink `name` in `dir`, as raw bytes.
    static func readlinkat(_ dir: CInt, _ name: String) -> Result<[UInt8], Errno> {
        var capacity = 256
        while true {
            var buffer = [CChar](repeating: 0, count: capacity)
            let r = withCName(name) { p in
                retryingInterrupts {
                    buffer.withUnsafeMutableBufferPointer { raw -> Int in
                        guard let base = raw.baseAddress else { return -1 }
                        return Glibc.readlinkat(dir, p, base, capacity)
                    }
                }
            }
            switch r {
            case .failure(let e): return .failure(e)
            case .success(let n) where n < capacity: return .success(buffer[0..<n].map { UInt8(bitPattern: $0) })
            case .success:
                if capacity >= 1 << 16 { return .failure(.fileNameTooLong) }
                capacity *= 4
            }
        }
    }

    package static func read(_ fd: CInt, into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        retryingInterrupts { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    static func write(_ fd: CInt, from buffer: UnsafeRawBufferPointer) -> Result<Int, Errno> {
        retryingInterrupts { Glibc.write(fd, buffer.baseAddress, buffer.count) }
    }

    static func fsync(_ fd: CInt) -> Result<Void, Errno> {
        retryingInterrupts { Glibc.fsync(fd) }.map { _ in () }
    }

    static func fchmod(_ fd: CInt, _ mode: mode_t) -> Result<Void, Errno> {
        retryingInterrupts { Glibc.fchmod(fd, mode) }.map { _ in () }
    }

    static func fchown(_ fd: CInt, _ uid: uid_t, _ gid: gid_t) -> Result<Void, Errno> {
        retryingInterrupts { Glibc.fchown(fd, uid, gid) }.map { _ in () }
    }

    static func fchmodat(_ dir: CInt, _ name: String, _ mode: mode_t, _ flags: CInt) -> Result<Void, Errno> {
        withCName(name) { p in retryingInterrupts { Glibc.fchmodat(dir, p, mode, flags) } }.map { _ in () }
    }

    static func fchownat(_ dir: CInt, _ name: String, _ uid: uid_t, _ gid: gid_t, _ flags: CInt) -> Result<Void, Errno> {
        withCName(name) { p in retryingInterrupts { Glibc.fchownat(dir, p, uid, gid, flags) } }.map { _ in () }
    }

    static func renameat(_ fromDir: CInt, _ from: String, _ toDir: CInt, _ to: String) -> Result<Void, Errno> {
        withCName(from) { a in
            withCName(to) { b in retryingInterrupts { Glibc.renameat(fromDir, a, toDir, b) } }
        }.map { _ in () }
    }

    static func unlinkat(_ dir: CInt, _ name: String, _ flags: CInt) -> Result<Void, Errno> {
        withCName(name) { p in retryingInterrupts { Glibc.unlinkat(dir, p, flags) } }.map { _ in () }
    }

    static func ftruncate(_ fd: CInt, _ size: off_t) -> Result<Void, Errno> {
        retryingInterrupts { Glibc.ftruncate(fd, size) }.map { _ in () }
    }

    static func flock(_ fd: CInt, _ operation: CInt) -> Result<Void, Errno> {
        retryingInterrupts { c_flock(fd, operation) }.map { _ in () }
    }

    static func mkdirat(_ dir: CInt, _ name: String, _ mode: mode_t) -> Result<Void, Errno> {
        withCName(name) { p in retryingInterrupts { Glibc.mkdirat(dir, p, mode) } }.map { _ in () }
    }

    static func symlinkat(_ target: String, _ dir: CInt, _ name: String) -> Result<Void, Errno> {
        withCName(target) { t in
            withCName(name) { p in retryingInterrupts { Glibc.symlinkat(t, dir, p) } }
        }.map { _ in () }
    }

    /// `syncfs`: flushes every dirty page and inode of the file system holding `fd`.
    /// (glibc declares `syncfs` only under `_GNU_SOURCE`, which the Swift module does not see: the
    /// symbol is looked up once at run time; without it, `sync` flushes every file system.)
    static func syncfs(_ fd: CInt) -> Result<Void, Errno> {
        guard let call = syncfsFunction else {
            Glibc.sync()
            return .success(())
        }
        return retryingInterrupts { call(fd) }.map { _ in () }
    }

    private static let syncfsFunction: (@convention(c) (CInt) -> CInt)? = {
        guard let symbol = Glibc.dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (CInt) -> CInt).self)
    }()

    /// `stat` (`follow`) or `lstat` of a host path.
    static func statPath(_ path: String, follow: Bool) -> Result<stat, Errno> {
        fstatat(AT_FDCWD, path, follow ? 0 : AT_SYMLINK_NOFOLLOW)
    }

    /// `realpath`: the canonical absolute host path (every symlink resolved).
    static func realpath(_ path: String) -> Result<String, Errno> {
        withCName(path) { p in
            guard let resolved = Glibc.realpath(p, nil) else { return .failure(Errno(rawValue: Glibc.errno)) }
            defer { Glibc.free(resolved) }
            return .success(String(cString: resolved))
        }
    }

    /// Names in the directory open at `fd` (consumed: closed on return), without `.` and `..`.
    static func readDirectory(consuming fd: CInt) -> Result<[String], Errno> {
        guard let dir = Glibc.fdopendir(fd) else {
            let e = Errno(rawValue: Glibc.errno)
            close(fd)
            return .failure(e)
        }
        defer { Glibc.closedir(dir) }
        var names: [String] = []
        while true {
            Glibc.errno = 0
            guard let entry = Glibc.readdir(dir) else {
                let code = Glibc.errno
                if code == 0 { break }
                if code == EINTR { continue }
                return .failure(Errno(rawValue: code))
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String in
                let bytes = raw.prefix { $0 != 0 }
                return String(decoding: bytes, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return .success(names)
    }

    /// `strerror` (glibc returns static text for every known errno; thread-safe since 2.32).
    static func errorText(_ code: Int32) -> String {
        guard let text = Glibc.strerror(code) else { return "Unknown error \(code)" }
        return String(cString: text)
    }

    static var effectiveOwner: (uid: uid_t, gid: gid_t) { (Glibc.geteuid(), Glibc.getegid()) }
}
