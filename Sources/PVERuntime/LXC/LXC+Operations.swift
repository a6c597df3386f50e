import PVESystem
extension LXC {
    // MARK: - Running a tool

    /// Runs one tool; a missing tool becomes `.toolNotInstalled` naming it.
    func runTool(_ command: Command, options: RunOptions) throws(RuntimeError) -> CommandResult {
        do throws(RuntimeError) {
            return try runner.run(command, options: options)
        } catch {
            guard error.code == .executableNotFound else { throw error }
            let reason = error.errno?.description ?? "not executable"
            throw RuntimeError(
                .toolNotInstalled,
                "\(command.name) is not installed (\(command.executable): \(reason)); install the Debian package 'lxc'",
                command: command, errno: error.errno)
        }
    }

    private func notFound(_ name: String, _ result: CommandResult) -> RuntimeError {
        let place = lxcPath.map { " under \($0)" } ?? ""
        return RuntimeError(
            .containerNotFound, "container '\(name)' does not exist\(place)", command: result.command,
            status: result.status, standardErrorTail: RuntimeError.tail(of: result.standardError))
    }

    private func quickQuery(_ command: Command) throws(RuntimeError) -> CommandResult {
        let result = try runTool(command, options: RunOptions(timeout: queryTimeout))
        if result.timedOut { throw RuntimeError.timedOut(result) }
        return result
    }

    // MARK: - lxc-info

    /// The container's state and init PID (`lxc-info -n NAME -s -p`).
    /// - Parameter name: the container.
    /// - Returns: state and PID (the PID only while running).
    /// - Throws: ``RuntimeError`` `.containerNotFound`, `.toolNotInstalled`, `.timedOut`, `.nonZeroExit`,
    ///   `.unexpectedOutput`.
    public func status(of name: String) throws(RuntimeError) -> ContainerStatus {
        let result = try quickQuery(try infoCommand(name))
        let fields = try infoFields(name, result)
        guard let state = fields.state else {
            throw RuntimeError(
                .unexpectedOutput, "lxc-info printed no state for container '\(name)'", command: result.command,
                standardErrorTail: RuntimeError.tail(of: result.standardOutput))
        }
        return ContainerStatus(name: name, state: ContainerState(state), pid: fields.pid)
    }

    /// The container's state (`lxc-info -n NAME -s -p`).
    /// - Parameter name: the container.
    /// - Returns: the state.
    /// - Throws: as ``status(of:)``.
    public func state(of name: String) throws(RuntimeError) -> ContainerState {
        try status(of: name).state
    }

    /// The host PID of the container's init, as Proxmox's `find_lxc_pid` gets it (`lxc-info -n NAME -p`,
    /// the number on a line `PID:<blanks><digits>`).
    /// - Parameter name: the container.
    /// - Returns: the PID.
    /// - Throws: ``RuntimeError`` `.containerNotRunning` (`unable to get PID for CT NAME (not running?)`),
    ///   `.containerNotFound`, `.toolNotInstalled`, `.timedOut`, `.nonZeroExit`.
    public func pid(of name: String) throws(RuntimeError) -> Int32 {
        let result = try quickQuery(try infoCommand(name, state: false, pid: true))
        guard let pid = try infoFields(name, result).pid else {
            throw RuntimeError(
                .containerNotRunning, "unable to get PID for CT \(name) (not running?)", command: result.command)
        }
        return pid
    }

    /// Parses `Label:<blanks>value` lines of `lxc-info` (`State:`, `PID:`); maps "doesn't exist".
    private func infoFields(_ name: String, _ result: CommandResult) throws(RuntimeError) -> InfoFields {
        guard result.status.isSuccess else {
            if result.status == .exited(1), result.errorText.contains("doesn't exist") {
                throw notFound(name, result)
            }
            throw RuntimeError.nonZeroExit(result)
        }
        var state: String?
        var pid: Int32?
        for line in result.outputText.split(separator: "\n") {
            if let value = Self.field("State:", in: line) {
                state = value
            } else if let value = Self.field("PID:", in: line), value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                pid = Int32(value)
            }
        }
        return InfoFields(state: state, pid: pid)
    }

    private struct InfoFields {
        var state: String?
        var pid: Int32?
    }

    /// The value of `label<blanks>value` (at least one blank, value without blanks), else nil.
    package static func field(_ label: String, in line: Substring) -> String? {
        guard line.hasPrefix(label) else { return nil }
        let rest = line.dropFirst(label.count)
        guard let first = rest.first, first == " " || first == "\t" else { return nil }
        let value = rest.drop { $0 == " " || $0 == "\t" }
        guard !value.isEmpty, !value.contains(" "), !value.contains("\t") else { return nil }
        return String(value)
    }

    // MARK: - lxc-wait

    /// Waits until the container is in one of `states` (`lxc-wait -n NAME -s 'A|B' -t T`).
    /// - Parameters:
    ///   - name: the container.
    ///   - states: the states to wait for.
    ///   - timeout: seconds; nil waits forever.
    /// - Returns: true when a state was reached, false when `lxc-wait` gave up (timeout or error).
    /// - Throws: ``RuntimeError`` `.toolNotInstalled`, `.invalidArgument`, `.timedOut` (the tool itself hung
    ///   5 s past `timeout`), `.nonZeroExit` (other exit statuses).
    public func wait(_ name: String, for states: [ContainerState], timeout: Int?) throws(RuntimeError) -> Bool {
        let command = try waitCommand(name, for: states, timeout: timeout)
        let result = try runTool(command, options: RunOptions(timeout: timeout.map { .seconds($0 + 5) }))
        if result.timedOut { throw RuntimeError.timedOut(result) }
        switch result.status {
        case .exited(0): return true
        case .exited(1): return false
        default: throw RuntimeError.nonZeroExit(result)
        }
    }

    // MARK: - lxc-start

    /// Starts the container in the background (`lxc-start -n NAME [-l LEVEL] [-o FILE]`) and waits up to
    /// ``StartOptions/startTimeout`` seconds for RUNNING. A container that is already running is a success,
    /// as with `lxc-start`.
    /// - Parameters:
    ///   - name: the container.
    ///   - options: log file and level (``StartOptions/foreground`` must be false; see
    ///     ``runForeground(_:options:run:)``).
    /// - Throws: ``RuntimeError`` `.startFailed` (`startup for container 'NAME' failed`, with lxc-start's
    ///   stderr), `.containerNotFound`, `.toolNotInstalled`, `.timedOut`, `.invalidArgument`.
    public func start(_ name: String, options: StartOptions = StartOptions()) throws(RuntimeError) {
        guard !options.foreground else {
            throw RuntimeError(.invalidArgument, "use runForeground to run a container in the foreground")
        }
        let command = try startCommand(name, options: options)
        let result = try runTool(command, options: RunOptions(timeout: queryTimeout))
        if result.timedOut { throw RuntimeError.timedOut(result) }
        if !result.status.isSuccess {
            _ = try status(of: name)  // throws .containerNotFound for a missing container
            throw startFailed(name, result)
        }
        guard try wait(name, for: [.running], timeout: options.startTimeout) else {
            throw startFailed(name, result)
        }
    }

    private func startFailed(_ name: String, _ result: CommandResult) -> RuntimeError {
        RuntimeError(
            .startFailed, "startup for container '\(name)' failed", command: result.command, status: result.status,
            standardErrorTail: RuntimeError.tail(of: result.standardError))
    }

    /// Runs the container in the foreground (`lxc-start -n NAME -F [-l LEVEL] [-o FILE]`) on the caller's
    /// terminal until it stops, as the seed's debugging recipe does.
    /// - Parameters:
    ///   - name: the container.
    ///   - options: log file and level (``StartOptions/foreground`` is implied).
    ///   - run: how to run `lxc-start` (default: interactive, no time limit).
    /// - Returns: how `lxc-start` ended (0 after a clean run; LXC's error number otherwise).
    /// - Throws: ``RuntimeError`` `.toolNotInstalled`, `.invalidArgument`, `.spawnFailed`.
    public func runForeground(
        _ name: String, options: StartOptions = StartOptions(), run: RunOptions = .interactive
    ) throws(RuntimeError) -> CommandResult {
        var options = options
        options.foreground = true
        return try runTool(try startCommand(name, options: options), options: run)
    }

    // MARK: - lxc-stop

    /// Stops the container (`lxc-stop`, Proxmox `vm_stop`) and waits until it is STOPPED.
    ///
    /// The time limit for `lxc-stop` is the shutdown timeout + 5 s (as Proxmox gives `run_command`); if
    /// `lxc-stop` fails, the container still counts as stopped when it reaches STOPPED within that time
    /// (Proxmox polls the command socket the same way).
    /// - Parameters:
    ///   - name: the container.
    ///   - mode: kill, or a clean shutdown with a timeout.
    /// - Returns: `.stopped`, or `.wasNotRunning` when `lxc-stop` reported exit status 2.
    /// - Throws: ``RuntimeError`` `.stopFailed` (`container did not stop`), `.containerNotFound`,
    ///   `.toolNotInstalled`, `.timedOut`, `.nonZeroExit`, `.invalidArgument`.
    @discardableResult
    public func stop(_ name: String, mode: StopMode) throws(RuntimeError) -> StopOutcome {
        let command = try stopCommand(name, mode: mode)
        let grace: Int
        switch mode {
        case .kill: grace = 10
        case .shutdown(let timeout, _): grace = (timeout ?? 60) + 5
        }
        let result = try runTool(command, options: RunOptions(timeout: .seconds(grace)))
        if result.timedOut { throw RuntimeError.timedOut(result) }
        switch result.status {
        case .exited(2):
            _ = try status(of: name)  // lxc-stop says "not running" for missing containers too
            return .wasNotRunning
        case .exited(0), .exited(1):
            if try wait(name, for: [.stopped], timeout: grace) { return .stopped }
            throw RuntimeError(
                .stopFailed, "container did not stop", command: result.command, status: result.status,
                standardErrorTail: RuntimeError.tail(of: result.standardError))
        default:
            throw RuntimeError.nonZeroExit(result)
        }
    }

    // MARK: - lxc-attach

    /// Runs `command` inside the running container (`lxc-attach … -- CMD…`, as `pct exec`) and returns its
    /// result unchanged: ``TerminationStatus/exitCode`` is the inner command's exit code (`lxc-attach`
    /// reports a signal death as `128 + signal`), also for non-zero codes.
    ///
    /// Like `pct exec`, it first checks that the container runs (one `lxc-info` call), unless
    /// `checkRunning` is false.
    /// - Parameters:
    ///   - name: the container.
    ///   - command: the program and its arguments (must not be empty).
    ///   - options: environment, ids, namespaces, directory.
    ///   - run: streams and time limit (default: capture, no limit; ``RunOptions/interactive`` for a terminal).
    ///   - checkRunning: check the state first.
    /// - Returns: the result; `timedOut` is set when the time limit hit.
    /// - Throws: ``RuntimeError`` `.containerNotRunning` (`container 'NAME' not running!`),
    ///   `.containerNotFound`, `.toolNotInstalled`, `.invalidArgument` (`missing command`).
    public func attach(
        _ name: String, _ command: [String], options: AttachOptions = AttachOptions(), run: RunOptions = RunOptions(),
        checkRunning: Bool = true
    ) throws(RuntimeError) -> CommandResult {
        guard !command.isEmpty else { throw RuntimeError(.invalidArgument, "missing command") }
        let attach = try attachCommand(name, command, options: options)
        if checkRunning { try requireRunning(name) }
        let result = try runTool(attach, options: run)
        // lxc-attach's own failure is exit status 1 and its log lines on stderr (only visible when captured).
        if result.status == .exited(1), result.errorText.contains("Failed to get init pid") {
            throw RuntimeError(
                .containerNotRunning, "container '\(name)' not running!", command: attach, status: result.status,
                standardErrorTail: RuntimeError.tail(of: result.standardError))
        }
        return result
    }

    /// Opens the login shell inside the running container on the caller's terminal (`lxc-attach -n NAME
    /// --keep-env`, as `pct enter`).
    /// - Parameters:
    ///   - name: the container.
    ///   - options: environment, ids (no working directory: there is no command to wrap).
    /// - Returns: how the shell ended.
    /// - Throws: as ``attach(_:_:options:run:checkRunning:)``.
    public func enter(_ name: String, options: AttachOptions = AttachOptions()) throws(RuntimeError)
        -> TerminationStatus
    {
        let attach = try attachCommand(name, nil, options: options)
        try requireRunning(name)
        return try runTool(attach, options: .interactive).status
    }

    /// Throws `container 'NAME' not running!` (Proxmox `pct enter`/`exec`) unless the state is RUNNING.
    /// - Parameter name: the container.
    /// - Throws: ``RuntimeError`` `.containerNotRunning`, or as ``status(of:)``.
    public func requireRunning(_ name: String) throws(RuntimeError) {
        let status = try status(of: name)
        guard status.state.isRunning else {
            throw RuntimeError(.containerNotRunning, "container '\(name)' not running!")
        }
    }

    // MARK: - Version

    /// The LXC version (`lxc-start --version`, Proxmox `get_lxc_version`).
    /// - Returns: the version.
    /// - Throws: ``RuntimeError`` `.unexpectedOutput` (`failed to get lxc version`), `.toolNotInstalled`,
    ///   `.nonZeroExit`, `.timedOut`.
    public func version() throws(RuntimeError) -> LXCVersion {
        let result = try quickQuery(versionCommand())
        guard result.status.isSuccess else { throw RuntimeError.nonZeroExit(result) }
        guard let version = LXCVersion.parse(result.outputText) else {
            throw RuntimeError(.unexpectedOutput, "failed to get lxc version", command: result.command)
        }
        return version
    }
}
