/// The LXC command-line tools as typed commands: `lxc-start`, `lxc-stop`, `lxc-info`, `lxc-wait`,
/// `lxc-attach` and `lxc-console`, run through a ``CommandRunner``.
///
/// The `…Command` methods only build the ``Command`` (for printing, dry runs and tests); the operations
/// (`start`, `stop`, `status`, `attach`, …) run them and turn exit statuses and stderr into
/// ``RuntimeError``s. Argument vectors follow Proxmox's order (`-n <name>` first); `-P <lxcpath>` comes
/// right after `-n` when a private lxcpath is set.
///
///     let lxc = LXC()                                   // /usr/bin, default lxcpath, real processes
///     try lxc.start("100")
///     let clean = AttachOptions(environment: .clear(keeping: []))
///     let r = try lxc.attach("100", ["cat", "/etc/hostname"], options: clean)
///     try lxc.stop("100", mode: .shutdown(timeout: 30, forceAfterTimeout: true))
///
/// Proxmox: `PVE::LXC` (`vm_start`, `vm_stop`, `find_lxc_pid`, `get_console_command`, `get_lxc_version`) and
/// `PVE::CLI::pct` (`enter`, `exec`).
public struct LXC: Sendable {
    /// Runs the tools.
    public var runner: any CommandRunner
    /// The directory holding the `lxc-*` tools (absolute; default `/usr/bin`).
    public var toolDirectory: String
    /// A private container directory (`-P`); nil = LXC's default (`/var/lib/lxc`).
    public var lxcPath: String?
    /// The time limit for quick queries (`lxc-info`, `lxc-start --version`, daemonized `lxc-start`).
    public var queryTimeout: Duration

    /// Creates the adapter.
    /// - Parameters:
    ///   - runner: how commands run (default: real processes).
    ///   - toolDirectory: where the `lxc-*` tools are.
    ///   - lxcPath: a private container directory (`-P`).
    ///   - queryTimeout: the time limit for quick queries.
    public init(
        runner: any CommandRunner = SpawnRunner(),
        toolDirectory: String = "/usr/bin",
        lxcPath: String? = nil,
        queryTimeout: Duration = .seconds(60)
    ) {
        self.runner = runner
        self.toolDirectory = toolDirectory
        self.lxcPath = lxcPath
        self.queryTimeout = queryTimeout
    }

    /// The absolute path of a tool (`/usr/bin/lxc-info`).
    /// - Parameter name: the tool's name.
    /// - Returns: `toolDirectory/name`.
    public func toolPath(_ name: String) -> String {
        toolDirectory.hasSuffix("/") ? toolDirectory + name : toolDirectory + "/" + name
    }

    /// `-n NAME [-P LXCPATH]`.
    private func target(_ name: String) -> [String] {
        var args = ["-n", name]
        if let lxcPath { args += ["-P", lxcPath] }
        return args
    }

    /// Checks a container name: non-empty, no `/`, no NUL, and not starting with `-`.
    /// - Parameter name: the container name.
    /// - Throws: ``RuntimeError`` `.invalidArgument`.
    public static func validate(name: String) throws(RuntimeError) {
        if name.isEmpty || name.hasPrefix("-") || name.contains("/") || name.utf8.contains(0) {
            throw RuntimeError(.invalidArgument, "invalid container name '\(name)'")
        }
    }

    // MARK: - Building commands

    /// `lxc-start -n NAME [-P DIR] [-F] [-l LEVEL] [-o FILE]` (the seed's debug recipe order).
    /// - Parameters:
    ///   - name: the container.
    ///   - options: foreground, log file and level.
    /// - Returns: the command.
    /// - Throws: ``RuntimeError`` `.invalidArgument` for a bad name or log level.
    public func startCommand(_ name: String, options: StartOptions = StartOptions()) throws(RuntimeError) -> Command {
        try Self.validate(name: name)
        var args = target(name)
        if options.foreground { args.append("-F") }
        if let level = options.logPriority {
            guard StartOptions.logPriorities.contains(level.uppercased()) else {
                throw RuntimeError(
                    .invalidArgument,
                    "invalid log priority '\(level)' (one of \(StartOptions.logPriorities.joined(separator: ", ")))")
            }
            args += ["-l", level.uppercased()]
        }
        if let file = options.logFile { args += ["-o", file] }
        return Command(toolPath("lxc-start"), args)
    }

    /// `lxc-stop -n NAME [-P DIR]` + `--kill`, or `[--nokill] [--timeout T]` (Proxmox `vm_stop`'s order).
    /// - Parameters:
    ///   - name: the container.
    ///   - mode: kill or clean shutdown.
    /// - Returns: the command.
    /// - Throws: ``RuntimeError`` `.invalidArgument` for a bad name or a negative timeout.
    public func stopCommand(_ name: String, mode: StopMode) throws(RuntimeError) -> Command {
        try Self.validate(name: name)
        var args = target(name)
        switch mode {
        case .kill:
            args.append("--kill")
        case .shutdown(let timeout, let force):
            if !force { args.append("--nokill") }
            if let timeout {
                guard timeout >= 0 else { throw RuntimeError(.invalidArgument, "invalid timeout \(timeout)") }
                args += ["--timeout", String(timeout)]
            }
        }
        return Command(toolPath("lxc-stop"), args)
    }

    /// `lxc-info -n NAME [-P DIR] -s -p` (state and PID), or `-p` alone as Proxmox's `find_lxc_pid` runs it.
    /// - Parameters:
    ///   - name: the container.
    ///   - state: include `-s`.
    ///   - pid: include `-p`.
    /// - Returns: the command.
    /// - Throws: ``RuntimeError`` `.invalidArgument` for a bad name.
    public func infoCommand(_ name: String, state: Bool = true, pid: Bool = true) throws(RuntimeError) -> Command {
        try Self.validate(name: name)
        var args = target(name)
        if state { args.append("-s") }
        if pid { args.append("-p") }
        return Command(toolPath("lxc-info"), args)
    }

    /// `lxc-wait -n NAME [-P DIR] -s 'A|B' [-t SECONDS]`.
    /// - Parameters:
    ///   - name: the container.
    ///   - states: the states to wait for (any of them).
    ///   - timeout: seconds; nil waits forever.
    /// - Returns: the command.
    /// - Throws: ``RuntimeError`` `.invalidArgument` for a bad name, no states or a negative timeout.
    public func waitCommand(_ name: String, for states: [ContainerState], timeout: Int?) throws(RuntimeError) -> Command {
        try Self.validate(name: name)
        guard !states.isEmpty else { throw RuntimeError(.invalidArgument, "lxc-wait needs at least one state") }
        var args = target(name) + ["-s", states.map(\.name).joined(separator: "|")]
        if let timeout {
            guard timeout >= 0 else { throw RuntimeError(.invalidArgument, "invalid timeout \(timeout)") }
            args += ["-t", String(timeout)]
        }
        return Command(toolPath("lxc-wait"), args)
    }

    /// `lxc-attach -n NAME [-P DIR] [-s NS] [--keep-env|--clear-env [--keep-var K]…] [-v K=V]… [-u UID]
    /// [-g GID] [-- CMD…]`.
    ///
    /// With `--keep-env` the command's own environment drops `SSL_CERT_FILE` and `SSL_CERT_DIR`, as
    /// `pct enter`/`pct exec` do before `exec`. With a working directory the command is wrapped in
    /// `/bin/sh -c` (see ``AttachOptions/workingDirectory``).
    /// - Parameters:
    ///   - name: the container.
    ///   - command: the program and its arguments; nil or empty starts the login shell.
    ///   - options: environment, ids, namespaces, directory.
    /// - Returns: the command.
    /// - Throws: ``RuntimeError`` `.invalidArgument` for a bad name, variable or directory.
    public func attachCommand(
        _ name: String, _ command: [String]? = nil, options: AttachOptions = AttachOptions()
    ) throws(RuntimeError) -> Command {
        try Self.validate(name: name)
        var args = target(name)
        if let namespaces = options.namespaces {
            guard !namespaces.isEmpty else { throw RuntimeError(.invalidArgument, "empty namespace list") }
            args += ["-s", namespaces.joined(separator: "|")]
        }
        var environment = Environment.inherit
        switch options.environment {
        case nil:
            break
        case .keep:
            args.append("--keep-env")
            environment = environment.updating(["SSL_CERT_FILE": nil, "SSL_CERT_DIR": nil])
        case .clear(let keeping):
            args.append("--clear-env")
            for key in keeping {
                guard Self.isVariableName(key) else {
                    throw RuntimeError(.invalidArgument, "invalid variable name '\(key)'")
                }
                args += ["--keep-var", key]
            }
        }
        for variable in options.variables {
            guard let eq = variable.firstIndex(of: "="), Self.isVariableName(String(variable[..<eq])) else {
                throw RuntimeError(.invalidArgument, "invalid variable '\(variable)' (expected NAME=VALUE)")
            }
            args += ["-v", variable]
        }
        if let uid = options.uid { args += ["-u", String(uid)] }
        if let gid = options.gid { args += ["-g", String(gid)] }
        let program = command ?? []
        if let dir = options.workingDirectory {
            guard dir.hasPrefix("/"), !dir.utf8.contains(0) else {
                throw RuntimeError(.invalidArgument, "working directory '\(dir)' must be an absolute path")
            }
            guard !program.isEmpty else {
                throw RuntimeError(.invalidArgument, "a working directory needs a command to run")
            }
            args += ["--", "/bin/sh", "-c", Self.changeDirectoryScript, "sh", dir] + program
        } else if !program.isEmpty {
            args += ["--"] + program
        }
        return Command(toolPath("lxc-attach"), args, environment: environment)
    }

    /// The script that runs `"$2"…` in directory `"$1"` for ``AttachOptions/workingDirectory``.
    public static let changeDirectoryScript = "cd \"$1\" || exit 1; shift; exec \"$@\""

    /// The console command by mode (Proxmox `get_console_command`): `lxc-console -n NAME [-t 0] [-e ESC]`
    /// or `lxc-attach --clear-env -n NAME` for ``ConsoleMode/shell``.
    /// - Parameters:
    ///   - name: the container.
    ///   - mode: tty, console or shell.
    ///   - escape: the escape prefix (`^a` style, or `-1` for none; `-e`), ignored for `.shell`.
    /// - Returns: the command.
    /// - Throws: ``RuntimeError`` `.invalidArgument` for a bad name or escape.
    public func consoleCommand(_ name: String, mode: ConsoleMode = .tty, escape: String? = nil) throws(RuntimeError)
        -> Command
    {
        try Self.validate(name: name)
        if mode == .shell {
            var args = ["--clear-env", "-n", name]
            if let lxcPath { args += ["-P", lxcPath] }
            return Command(toolPath("lxc-attach"), args)
        }
        var args = target(name)
        if mode == .console { args += ["-t", "0"] }
        if let escape {
            // pct's `escape` format is `\^?[a-z]`; the API's vncproxy/termproxy pass `-1` (no escape sequence).
            let b = Array(escape.utf8)
            let letter = b.last.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") } ?? false
            guard escape == "-1" || letter && (b.count == 1 || (b.count == 2 && b[0] == UInt8(ascii: "^"))) else {
                throw RuntimeError(
                    .invalidArgument, "invalid escape '\(escape)' (expected a letter, optionally after '^', or -1)")
            }
            args += ["-e", escape]
        }
        return Command(toolPath("lxc-console"), args)
    }

    /// `lxc-start --version`.
    /// - Returns: the command.
    public func versionCommand() -> Command {
        Command(toolPath("lxc-start"), ["--version"])
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            return false
        }
        return name.utf8.allSatisfy { b in
            b == UInt8(ascii: "_") || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z"))
                || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
        }
    }
}
