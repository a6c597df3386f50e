import Glibc

/// An exclusive `flock` on a lock file, held until `release()` or until the value goes away.
///
/// Proxmox counterpart: `PVE::Tools::lock_file_full` (open the file for appending, `flock`, give
/// up after a timeout), as `PVE::AbstractConfig::lock_config` uses it for
/// `/run/lock/lxc/pve-config-<vmid>.lock`. The lock is the same kernel object Proxmox's tools
/// take, so this tool and `pct` exclude each other.
public final class FileLock: Sendable {
    /// The lock file's path.
    public let path: String
    private let descriptor: Descriptor

    private init(path: String, descriptor: Descriptor) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Takes the exclusive lock on `path` (created if missing, with its parent directory),
    /// waiting at most `timeout` seconds. `waiting` is called once when the lock is busy, before
    /// the wait starts (Proxmox prints `trying to acquire lock...`).
    /// - Throws: `LockError` with Proxmox's text (`can't lock file '<path>' - got timeout`).
    public static func acquire(_ path: String, timeout: Double = 10, waiting: () -> Void = {}) throws(LockError)
        -> FileLock
    {
        let (dir, _) = HostFile.split(path)
        _ = Syscalls.mkdirat(AT_FDCWD, dir, 0o755)  // like Proxmox's `mkdir $lockdir` (exists: fine)
        let fd: Descriptor
        switch Syscalls.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644) {
        case .success(let raw): fd = Descriptor(raw)
        case .failure(let e): throw LockError(path: path, reason: "can't open file - \(e.systemMessage)")
        }
        switch Syscalls.lockFile(fd.raw, LOCK_EX | LOCK_NB) {
        case .success: return FileLock(path: path, descriptor: fd)
        case .failure(.resourceTemporarilyUnavailable), .failure(.interrupted): break
        case .failure(let e): throw LockError(path: path, reason: "can't acquire lock '\(path)' - \(e.systemMessage)")
        }
        waiting()
        // flock has no timeout of its own and a signal-based one would need a per-thread timer:
        // poll without blocking, backing off from 1 ms to 5 ms, until the deadline.
        let deadline = Monotonic.now() + max(timeout, 0)
        var pause = 0.001
        while true {
            if Monotonic.now() >= deadline { throw LockError(path: path, reason: "got timeout") }
            Monotonic.sleep(min(pause, max(deadline - Monotonic.now(), 0)))
            switch Syscalls.lockFile(fd.raw, LOCK_EX | LOCK_NB) {
            case .success: return FileLock(path: path, descriptor: fd)
            case .failure(.resourceTemporarilyUnavailable), .failure(.interrupted): break
            case .failure(let e): throw LockError(path: path, reason: "can't acquire lock '\(path)' - \(e.systemMessage)")
            }
            pause = min(pause * 2, 0.005)
        }
    }

    /// Releases the lock now (it is also released when the last reference goes away).
    public func release() {
        _ = Syscalls.lockFile(descriptor.raw, LOCK_UN)
    }
}

/// A lock that could not be taken; `description` is Proxmox's message.
public struct LockError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The lock file.
    public var path: String
    /// Why (`got timeout`, `can't open file - …`).
    public var reason: String

    /// A failure to lock `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `can't lock file '<path>' - <reason>` (`PVE::Tools::lock_file_full`).
    public var description: String { "can't lock file '\(path)' - \(reason)" }
}

/// `CLOCK_MONOTONIC` seconds and a sleep that survives signals.
enum Monotonic {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && Glibc.errno == EINTR { request = remaining }
    }
}
