import Glibc
import PVESystem
import Synchronization

// The process layer's own libc calls (pipes, poll, waitpid, posix_spawn): the unsafe code is in
// one place. Descriptors are opened, read and closed through PVESystem's `Syscalls`, errors are
// PVESystem's `Errno`. Calls that can be interrupted are retried on EINTR.

/// A failed system call: its name and the error number.
struct SystemCallError: Error, Sendable, Hashable {
    var call: String
    var errno: Errno

    init(call: String, errno: Int32) {
        self.call = call
        self.errno = Errno(rawValue: errno)
    }

    /// The C library's text, first letter lower-cased (``PVESystem/Errno/description``).
    var reason: String { errno.description }
}

/// Serialises "create a pipe and mark it close-on-exec" against `posix_spawn`, so that no child spawned by
/// this process can inherit a pipe end in the short window before `FD_CLOEXEC` is set (Glibc on this
/// toolchain does not expose `pipe2`).
let spawnLock = Mutex<Void>(())

enum Sys {
    /// `pipe` + `fcntl(FD_CLOEXEC)` on both ends. Call with `spawnLock` held.
    static func pipeCloseOnExec() throws(SystemCallError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        let rc = fds.withUnsafeMutableBufferPointer { Glibc.pipe($0.baseAddress) }
        if rc != 0 { throw SystemCallError(call: "pipe", errno: errno) }
        for fd in fds where fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 {
            let e = errno
            close(fds[0])
            close(fds[1])
            throw SystemCallError(call: "fcntl", errno: e)
        }
        return (fds[0], fds[1])
    }

    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }

    static func close(_ fd: Int32) {
        if fd >= 0 { Syscalls.close(fd) }
    }

    enum ReadResult {
        case data(Int)
        case endOfFile
        case wouldBlock
        case failed(Int32)
    }

    static func read(_ fd: Int32, into buffer: inout [UInt8]) -> ReadResult {
        switch buffer.withUnsafeMutableBytes({ Syscalls.read(fd, into: $0) }) {
        case .success(0): return .endOfFile
        case .success(let n): return .data(n)
        case .failure(let e) where e.rawValue == EAGAIN || e.rawValue == EWOULDBLOCK: return .wouldBlock
        case .failure(let e): return .failed(e.rawValue)
        }
    }

    /// `poll` on `fds` for up to `milliseconds` (-1 = forever); returns the revents per fd.
    static func poll(_ fds: [Int32], milliseconds: Int32) throws(SystemCallError) -> [Int16] {
        var entries = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        while true {
            let rc = entries.withUnsafeMutableBufferPointer {
                Glibc.poll($0.baseAddress, nfds_t($0.count), milliseconds)
            }
            if rc >= 0 { return entries.map(\.revents) }
            let e = errno
            if e == EINTR { continue }
            throw SystemCallError(call: "poll", errno: e)
        }
    }

    /// Non-blocking `waitpid`; nil while the child is still running.
    static func reapIfExited(_ pid: pid_t) throws(SystemCallError) -> Int32? {
        var status: Int32 = 0
        while true {
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid { return status }
            if rc == 0 { return nil }
            let e = errno
            if e == EINTR { continue }
            throw SystemCallError(call: "waitpid", errno: e)
        }
    }

    /// Blocking `waitpid`.
    static func reap(_ pid: pid_t) throws(SystemCallError) -> Int32 {
        var status: Int32 = 0
        while true {
            let rc = waitpid(pid, &status, 0)
            if rc == pid { return status }
            let e = errno
            if e == EINTR { continue }
            throw SystemCallError(call: "waitpid", errno: e)
        }
    }

    static func signal(_ pid: pid_t, _ signal: Int32, group: Bool) {
        _ = kill(group ? -pid : pid, signal)
    }

    /// Whether `path` names a file this process may execute (`access(X_OK)`); the errno otherwise.
    static func executableError(_ path: String) -> Int32? {
        access(path, X_OK) == 0 ? nil : errno
    }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    // MARK: - Functions Glibc has but the Swift module does not expose (they need _GNU_SOURCE)

    private typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
    private typealias AddChdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32

    private struct Extras: @unchecked Sendable {
        var pidfdOpen: PidfdOpen?
        var addChdir: AddChdir?
    }

    /// Looked up once with `dlsym` in the process's global scope (glibc ≥ 2.36 / ≥ 2.29).
    private static let extras: Extras = {
        guard let handle = dlopen(nil, RTLD_NOW) else { return Extras() }
        var e = Extras()
        if let p = dlsym(handle, "pidfd_open") { e.pidfdOpen = unsafeBitCast(p, to: PidfdOpen.self) }
        if let p = dlsym(handle, "posix_spawn_file_actions_addchdir_np") {
            e.addChdir = unsafeBitCast(p, to: AddChdir.self)
        }
        return e
    }()

    /// A pollable descriptor that becomes readable when `pid` exits, or nil if the kernel/libc lacks `pidfd_open`.
    static func pidfdOpen(_ pid: pid_t) -> Int32? {
        guard let f = extras.pidfdOpen else { return nil }
        let fd = f(pid, 0)
        if fd < 0 { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }

    static var canChangeDirectory: Bool { extras.addChdir != nil }

    // MARK: - posix_spawn

    /// How the child's three standard descriptors are set up: a descriptor to `dup2` onto 0/1/2,
    /// or nil to leave the parent's descriptor in place.
    struct StandardDescriptors {
        var input: Int32?
        var output: Int32?
        var error: Int32?
    }

    /// `posix_spawn` of `path` with `argv`/`envp`. The child gets default signal dispositions and an
    /// empty signal mask; `newProcessGroup` puts it into its own process group (for group-wide teardown).
    static func spawn(
        path: String,
        arguments: [String],
        environment: [String],
        workingDirectory: String?,
        standard: StandardDescriptors,
        newProcessGroup: Bool
    ) throws(SystemCallError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        var rc = posix_spawn_file_actions_init(&actions)
        if rc != 0 { throw SystemCallError(call: "posix_spawn_file_actions_init", errno: rc) }
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        rc = posix_spawnattr_init(&attributes)
        if rc != 0 { throw SystemCallError(call: "posix_spawnattr_init", errno: rc) }
        defer { posix_spawnattr_destroy(&attributes) }

        for (source, target) in [(standard.input, Int32(0)), (standard.output, 1), (standard.error, 2)] {
            guard let source else { continue }
            rc = posix_spawn_file_actions_adddup2(&actions, source, target)
            if rc != 0 { throw SystemCallError(call: "posix_spawn_file_actions_adddup2", errno: rc) }
        }
        if let workingDirectory {
            guard let addChdir = extras.addChdir else {
                throw SystemCallError(call: "posix_spawn_file_actions_addchdir_np", errno: ENOSYS)
            }
            rc = workingDirectory.withCString { addChdir(&actions, $0) }
            if rc != 0 { throw SystemCallError(call: "posix_spawn_file_actions_addchdir_np", errno: rc) }
        }

        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var flags = Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if newProcessGroup {
            flags |= Int16(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, flags)

        let argv = ([path] + arguments).map { strdup($0) }
        let envp = environment.map { strdup($0) }
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        let argvNull: [UnsafeMutablePointer<CChar>?] = argv + [nil]
        let envpNull: [UnsafeMutablePointer<CChar>?] = envp + [nil]
        var pid: pid_t = 0
        rc = posix_spawn(&pid, path, &actions, &attributes, argvNull, envpNull)
        if rc != 0 { throw SystemCallError(call: "posix_spawn", errno: rc) }
        return pid
    }

    /// The current process environment as `KEY=VALUE` strings.
    static func currentEnvironment() -> [String] {
        var result: [String] = []
        var p = environ
        while let entry = p.pointee {
            result.append(String(cString: entry))
            p += 1
        }
        return result
    }

    /// Opens `/dev/null` (close-on-exec) for a child's standard input or discarded output.
    static func openDevNull(writable: Bool) throws(SystemCallError) -> Int32 {
        switch Syscalls.open("/dev/null", (writable ? O_WRONLY : O_RDONLY) | O_CLOEXEC) {
        case .success(let fd): return fd
        case .failure(let e): throw SystemCallError(call: "open /dev/null", errno: e.rawValue)
        }
    }

    /// Ignores SIGINT and SIGQUIT while an interactive child owns the terminal (as `system(3)` does);
    /// nested and concurrent users are counted so the old dispositions come back after the last one.
    static func withInteractiveSignalsIgnored<T>(_ body: () throws(RuntimeError) -> T) throws(RuntimeError) -> T {
        interactiveSignals.withLock { state in
            if state.users == 0 {
                state.savedInt = Glibc.signal(SIGINT, SIG_IGN)
                state.savedQuit = Glibc.signal(SIGQUIT, SIG_IGN)
            }
            state.users += 1
        }
        defer {
            interactiveSignals.withLock { state in
                state.users -= 1
                if state.users == 0 {
                    _ = Glibc.signal(SIGINT, state.savedInt)
                    _ = Glibc.signal(SIGQUIT, state.savedQuit)
                }
            }
        }
        return try body()
    }

    private struct InteractiveSignals: @unchecked Sendable {
        var users = 0
        var savedInt: __sighandler_t? = nil
        var savedQuit: __sighandler_t? = nil
    }
    private static let interactiveSignals = Mutex(InteractiveSignals())
}
