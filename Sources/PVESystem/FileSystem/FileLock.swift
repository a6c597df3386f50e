import Glibc

/// An exclusive `flock(2)` lock on a host lock file, held until ``release()`` or until the value
/// goes away (Proxmox: `PVE::Tools::lock_file`, as `lock_config` uses it on
/// `/run/lock/lxc/pve-config-<vmid>.lock`).
public final class FileLock: Sendable {
    private let descriptor: Descriptor

    /// Opens `path` for appending (creating it, mode 0644 less the umask) and locks it, waiting at
    /// most `timeout` seconds for another holder to let go.
    /// - Parameters:
    ///   - path: the lock file (its directory must exist).
    ///   - timeout: how long to wait for the lock, in seconds.
    ///   - waiting: called once when the lock is not free at the first try (Proxmox prints
    ///     `trying to acquire lock...`).
    /// - Throws: `FileError` for an unopenable file; code `.system` with reason `got timeout`
    ///   when the lock stayed taken.
    public init(path: String, timeout: Double, waiting: () -> Void = {}) throws(FileError) {
        switch Syscalls.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644) {
        case .success(let fd): descriptor = Descriptor(fd)
        case .failure(let e): throw FileError(e, path: path, operation: "open lock file")
        }
        if case .success = Syscalls.flock(descriptor.raw, LOCK_EX | LOCK_NB) { return }
        waiting()
        let deadline = Self.now() + timeout
        while true {
            switch Syscalls.flock(descriptor.raw, LOCK_EX | LOCK_NB) {
            case .success: return
            case .failure(.resourceTemporarilyUnavailable): break
            case .failure(let e): throw FileError(e, path: path, operation: "lock")
            }
            if Self.now() >= deadline {
                throw FileError(code: .system, path: path, operation: "lock", reason: "got timeout")
            }
            var pause = timespec(tv_sec: 0, tv_nsec: 5_000_000)
            _ = nanosleep(&pause, nil)
        }
    }

    /// Lets go of the lock now (closing the file does it too).
    public func release() {
        _ = Syscalls.flock(descriptor.raw, LOCK_UN)
    }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
