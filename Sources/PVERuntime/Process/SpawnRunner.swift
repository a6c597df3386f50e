import Glibc
import PVESystem
import Synchronization

/// The real ``CommandRunner``: `posix_spawn` with pipes, `poll` and `waitpid`; no shell, no `PATH` search.
///
/// - The executable must be an absolute path; it is checked with `access(X_OK)` first so a missing
///   program is reported as `.executableNotFound` naming the path.
/// - Captured streams are read through non-blocking pipes and bounded (``RunOptions/Output``).
/// - Non-interactive children run in their own process group; at the time limit the whole group gets
///   SIGTERM, then SIGKILL after ``RunOptions/killGrace``, so grandchildren cannot keep a pipe open.
/// - Once the child itself has exited, whatever is already buffered in the pipes is read and reading
///   stops, even if a daemon it left behind (`lxc-start`'s monitor) still holds the write end.
/// - Interactive runs (``RunOptions/interactive``) share the caller's terminal and process group; the
///   caller ignores SIGINT/SIGQUIT until the child exits, as `system(3)` does.
///
/// Proxmox: `PVE::Tools::run_command` (which uses `IPC::Open3` and a select loop with a timeout).
public struct SpawnRunner: CommandRunner {
    /// Creates the runner.
    public init() {}

    /// Runs `command`; see ``CommandRunner/run(_:options:)``.
    /// - Parameters:
    ///   - command: what to run.
    ///   - options: streams, time limit and teardown.
    /// - Returns: the termination status and captured output.
    /// - Throws: ``RuntimeError`` `.invalidArgument`, `.executableNotFound`, `.spawnFailed` or `.systemCallFailed`.
    public func run(_ command: Command, options: RunOptions) throws(RuntimeError) -> CommandResult {
        guard command.executable.hasPrefix("/") else {
            throw RuntimeError(
                .invalidArgument, "cannot run '\(command.executable)': the executable must be an absolute path",
                command: command)
        }
        if let e = Sys.executableError(command.executable) {
            throw RuntimeError(
                .executableNotFound, "cannot run '\(command.executable)': \(Errno(rawValue: e))",
                command: command, errno: Errno(rawValue: e))
        }
        if command.workingDirectory != nil, !Sys.canChangeDirectory {
            throw RuntimeError(
                .spawnFailed,
                "cannot run '\(command.executable)' in another directory: "
                    + "this C library lacks posix_spawn_file_actions_addchdir_np",
                command: command, errno: .notImplemented)
        }
        let environment = command.environment.resolved(from: Sys.currentEnvironment())
        if options.isInteractive {
            // Ignore SIGINT/SIGQUIT before the child exists, so a Ctrl-C can never orphan it.
            return try Sys.withInteractiveSignalsIgnored { () throws(RuntimeError) -> CommandResult in
                try supervise(try start(command, environment: environment, options: options), options: options)
            }
        }
        return try supervise(try start(command, environment: environment, options: options), options: options)
    }

    // MARK: - Start

    private struct Capture {
        var fd: Int32
        var limit: Int
        var keep: RunOptions.Keep
        var bytes: [UInt8] = []
        var truncated = false
        var isOpen = true

        mutating func append(_ chunk: ArraySlice<UInt8>) {
            switch keep {
            case .head:
                let room = limit - bytes.count
                if chunk.count > room {
                    truncated = true
                    if room > 0 { bytes += chunk.prefix(room) }
                } else {
                    bytes += chunk
                }
            case .tail:
                bytes += chunk
                if bytes.count > limit {
                    truncated = true
                    if bytes.count > 2 * limit + 65536 { bytes.removeFirst(bytes.count - limit) }
                }
            }
        }

        mutating func finish() {
            if keep == .tail, bytes.count > limit { bytes.removeFirst(bytes.count - limit) }
        }
    }

    private struct Running {
        var command: Command
        var pid: pid_t
        var output: Capture?
        var error: Capture?
        var newProcessGroup: Bool
    }

    private func start(_ command: Command, environment: [String], options: RunOptions) throws(RuntimeError) -> Running {
        // Descriptors the child gets (closed in the parent after the spawn) and the parent's read ends.
        var childEnds: [Int32] = []
        var output: Capture?
        var error: Capture?
        func closeAll() {
            for fd in childEnds { Sys.close(fd) }
            if let output { Sys.close(output.fd) }
            if let error { Sys.close(error.fd) }
        }
        let newProcessGroup = !options.isInteractive
        do throws(SystemCallError) {
            let pid = try spawnLock.withLock { _ throws(SystemCallError) -> pid_t in
                var standard = Sys.StandardDescriptors()
                if options.input == .null {
                    let fd = try Sys.openDevNull(writable: false)
                    childEnds.append(fd)
                    standard.input = fd
                }
                func wire(_ mode: RunOptions.Output) throws(SystemCallError) -> (child: Int32?, capture: Capture?) {
                    switch mode {
                    case .inherit:
                        return (nil, nil)
                    case .discard:
                        let fd = try Sys.openDevNull(writable: true)
                        childEnds.append(fd)
                        return (fd, nil)
                    case .capture(let limit, let keep):
                        let (r, w) = try Sys.pipeCloseOnExec()
                        childEnds.append(w)
                        Sys.setNonBlocking(r)
                        return (w, Capture(fd: r, limit: max(0, limit), keep: keep))
                    }
                }
                let o = try wire(options.output)
                output = o.capture
                standard.output = o.child
                let e = try wire(options.error)
                error = e.capture
                standard.error = e.child
                return try Sys.spawn(
                    path: command.executable, arguments: command.arguments, environment: environment,
                    workingDirectory: command.workingDirectory, standard: standard, newProcessGroup: newProcessGroup)
            }
            for fd in childEnds { Sys.close(fd) }
            return Running(command: command, pid: pid, output: output, error: error, newProcessGroup: newProcessGroup)
        } catch {
            closeAll()
            // The executable passed access(X_OK) above, so with a working directory the usual errno values
            // (ENOENT, EACCES, ENOTDIR) come from the chdir; ENOEXEC is always about the program.
            if error.call == "posix_spawn",
                error.errno.rawValue == ENOEXEC
                    || command.workingDirectory == nil && [ENOENT, EACCES, ENOTDIR].contains(error.errno.rawValue)
            {
                throw RuntimeError(
                    .executableNotFound, "cannot run '\(command.executable)': \(error.reason)", command: command,
                    errno: error.errno)
            }
            if error.call == "posix_spawn" || error.call.hasPrefix("posix_spawn_file_actions_addchdir") {
                let place = command.workingDirectory.map { " in '\($0)'" } ?? ""
                throw RuntimeError(
                    .spawnFailed, "cannot run '\(command.executable)'\(place): \(error.reason)", command: command,
                    errno: error.errno)
            }
            throw RuntimeError(
                .spawnFailed, "cannot run '\(command.executable)': \(error.call) failed: \(error.reason)",
                command: command, errno: error.errno)
        }
    }

    // MARK: - Supervise

    private func supervise(_ running: Running, options: RunOptions) throws(RuntimeError) -> CommandResult {
        var output = running.output
        var error = running.error
        let pid = running.pid
        let pidfd = Sys.pidfdOpen(pid)
        defer {
            if let pidfd { Sys.close(pidfd) }
            if let output { Sys.close(output.fd) }
            if let error { Sys.close(error.fd) }
        }
        let clock = ContinuousClock()
        var deadline = options.timeout.map { clock.now.advanced(by: $0) }
        var signalsSent = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        var rawStatus: Int32?

        func readAvailable(_ capture: inout Capture?, maxReads: Int) {
            guard var c = capture, c.isOpen else { return }
            defer { capture = c }
            for _ in 0..<maxReads {
                switch Sys.read(c.fd, into: &buffer) {
                case .data(let n): c.append(buffer[0..<n])
                case .wouldBlock: return
                case .endOfFile, .failed:
                    c.isOpen = false
                    return
                }
            }
        }

        do throws(SystemCallError) {
            while true {
                if rawStatus == nil { rawStatus = try Sys.reapIfExited(pid) }
                if rawStatus != nil {
                    readAvailable(&output, maxReads: 64)
                    readAvailable(&error, maxReads: 64)
                    break
                }
                var fds: [Int32] = []
                if let o = output, o.isOpen { fds.append(o.fd) }
                if let e = error, e.isOpen { fds.append(e.fd) }
                if let pidfd { fds.append(pidfd) }

                if fds.isEmpty, deadline == nil {
                    // Nothing to read, no time limit and no pidfd: just wait.
                    rawStatus = try Sys.reap(pid)
                    continue
                }
                var waitMilliseconds: Int32 = -1
                if let deadline {
                    let left = clock.now.duration(to: deadline)
                    let ms =
                        left <= .zero
                        ? 0 : left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1
                    waitMilliseconds = Int32(clamping: ms)
                }
                if pidfd == nil {
                    // No pidfd_open: bounded polling of waitpid every 10 ms.
                    waitMilliseconds = waitMilliseconds < 0 ? 10 : min(waitMilliseconds, 10)
                }
                let events = try Sys.poll(fds, milliseconds: waitMilliseconds)
                for (i, fd) in fds.enumerated() where events[i] != 0 {
                    if fd == output?.fd { readAvailable(&output, maxReads: 16) }
                    if fd == error?.fd { readAvailable(&error, maxReads: 16) }
                }
                if let current = deadline, clock.now >= current {
                    if signalsSent == 0 {
                        Sys.signal(pid, SIGTERM, group: running.newProcessGroup)
                        signalsSent = 1
                        deadline = clock.now.advanced(by: options.killGrace)
                    } else {
                        Sys.signal(pid, SIGKILL, group: running.newProcessGroup)
                        signalsSent = 2
                        deadline = nil
                    }
                }
            }
        } catch {
            // Do not leave a child behind: kill and reap it before reporting.
            if rawStatus == nil {
                Sys.signal(pid, SIGKILL, group: running.newProcessGroup)
                _ = try? Sys.reap(pid)
            }
            throw RuntimeError(
                .systemCallFailed, "while running '\(running.command)': \(error.call) failed: \(error.reason)",
                command: running.command, errno: error.errno)
        }
        if signalsSent > 0, running.newProcessGroup {
            // The child is gone; make sure nothing it started in its group outlives the time limit.
            Sys.signal(pid, SIGKILL, group: true)
        }
        output?.finish()
        error?.finish()
        return CommandResult(
            command: running.command,
            status: TerminationStatus(waitStatus: rawStatus ?? 0),
            standardOutput: output?.bytes ?? [],
            standardError: error?.bytes ?? [],
            outputTruncated: output?.truncated ?? false,
            errorTruncated: error?.truncated ?? false,
            timedOut: signalsSent > 0
        )
    }
}
