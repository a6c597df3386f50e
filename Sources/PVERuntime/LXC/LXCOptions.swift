/// How `lxc-start` runs a container.
///
/// Proxmox: the `pve-container@.service` unit (`lxc-start -F -n <vmid>`), its debug variant
/// (`-o /dev/stderr -l DEBUG`) and the manual debug recipe `lxc-start -n <vmid> -F -l DEBUG -o <file>`.
public struct StartOptions: Sendable, Hashable {
    /// Stay attached (`-F`): the container's console is the caller's terminal and `start` returns when
    /// the container stops. Otherwise `lxc-start` daemonizes (its default) and `start` waits for RUNNING.
    public var foreground: Bool
    /// Where LXC writes its log (`-o FILE`).
    public var logFile: String?
    /// The log level (`-l LEVEL`): one of ``StartOptions/logPriorities``.
    public var logPriority: String?
    /// How long a daemonized start may take to reach RUNNING (Proxmox waits 10 s).
    public var startTimeout: Int

    /// The levels LXC accepts for `-l`, most verbose first.
    public static let logPriorities = ["TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "ERROR", "CRIT", "ALERT", "FATAL"]

    /// Creates start options.
    /// - Parameters:
    ///   - foreground: run attached (`-F`).
    ///   - logFile: LXC log file (`-o`).
    ///   - logPriority: LXC log level (`-l`).
    ///   - startTimeout: seconds to wait for RUNNING after a daemonized start.
    public init(foreground: Bool = false, logFile: String? = nil, logPriority: String? = nil, startTimeout: Int = 10) {
        self.foreground = foreground
        self.logFile = logFile
        self.logPriority = logPriority
        self.startTimeout = startTimeout
    }
}

/// How `lxc-stop` stops a container.
///
/// Proxmox: `PVE::LXC::vm_stop(vmid, kill, shutdown_timeout, kill_after_timeout)`; `pct stop` is `.kill`,
/// `pct shutdown [--timeout t] [--forceStop]` is `.shutdown(timeout: t, forceAfterTimeout: forceStop)`.
public enum StopMode: Sendable, Hashable {
    /// `--kill`: SIGKILL everything at once (no timeout).
    case kill
    /// A clean shutdown (the container's halt signal), waiting up to `timeout` seconds (LXC's default 60
    /// when nil); with `forceAfterTimeout` the container is killed when the time is up, otherwise
    /// (`--nokill`) the stop fails.
    case shutdown(timeout: Int?, forceAfterTimeout: Bool)
}

/// What `stop` found.
public enum StopOutcome: Sendable, Hashable {
    /// The container was running and is now stopped.
    case stopped
    /// The container exists but was not running (`lxc-stop` exit status 2); nothing was done.
    case wasNotRunning
}

/// How `lxc-attach` runs a command inside a container.
///
/// Proxmox: `pct enter`/`pct exec` (`--keep-env` by default, `--clear-env` with `--keep-env 0`) and the
/// `lxc-attach -n <vmid> -s NETWORK -- …` calls of `PVE::LXC::update_net`/`update_ipconfig`.
public struct AttachOptions: Sendable, Hashable {
    /// What happens to the caller's environment.
    public enum EnvironmentPolicy: Sendable, Hashable {
        /// `--keep-env`: pass the caller's variables (minus `SSL_CERT_FILE`/`SSL_CERT_DIR`, as `pct` does).
        case keep
        /// `--clear-env`: start with only `container=lxc`, plus the named variables (`--keep-var NAME`).
        case clear(keeping: [String])
    }

    /// The environment policy; nil passes no flag (the tool's default, as Proxmox's NIC hot-plug calls do).
    public var environment: EnvironmentPolicy?
    /// Extra variables, `NAME=VALUE`, in order (`-v NAME=VALUE` each).
    public var variables: [String]
    /// The user id inside the container (`-u`); default root (or init's id in a user namespace).
    public var uid: UInt32?
    /// The group id inside the container (`-g`).
    public var gid: UInt32?
    /// Attach only to these namespaces (`-s A|B`, e.g. `["NETWORK"]`); nil = all. Implies elevated privileges.
    public var namespaces: [String]?
    /// The absolute directory inside the container to run the command in. `lxc-attach` has no option for
    /// it, so the command is wrapped: `/bin/sh -c 'cd "$1" || exit 1; shift; exec "$@"' sh DIR CMD…` (the
    /// directory and the command stay separate arguments; nothing is interpolated into the script).
    public var workingDirectory: String?

    /// Creates attach options.
    /// - Parameters:
    ///   - environment: `--keep-env` (default), `--clear-env`, or nil for no flag.
    ///   - variables: `NAME=VALUE` pairs to set.
    ///   - uid: user id inside the container.
    ///   - gid: group id inside the container.
    ///   - namespaces: the namespaces to attach to (nil = all).
    ///   - workingDirectory: absolute directory inside the container.
    public init(
        environment: EnvironmentPolicy? = .keep,
        variables: [String] = [],
        uid: UInt32? = nil,
        gid: UInt32? = nil,
        namespaces: [String]? = nil,
        workingDirectory: String? = nil
    ) {
        self.environment = environment
        self.variables = variables
        self.uid = uid
        self.gid = gid
        self.namespaces = namespaces
        self.workingDirectory = workingDirectory
    }
}

/// Which console `consoleCommand` opens.
///
/// Proxmox: the container config's `cmode` in `PVE::LXC::get_console_command`.
public enum ConsoleMode: Sendable, Hashable {
    /// `lxc-console -n ID` (the default `cmode: tty`).
    case tty
    /// `lxc-console -n ID -t 0` (`/dev/console`).
    case console
    /// `lxc-attach --clear-env -n ID` (a shell).
    case shell
}
