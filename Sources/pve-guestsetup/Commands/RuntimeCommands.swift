import PVEConfig
import PVERuntime

/// `start <ctid>`: `lxc-start` in the background (then wait for RUNNING), or in the foreground with a debug log.
enum StartCommand: CLICommand {
    static let spec = CommandSpec(
        name: "start",
        abstract: "Start a container.",
        usage:
            "start <ctid> [--foreground] [--log-file <file>] [--log-priority <level>] [--print-command] [--lxcpath <dir>] [--config-dir <dir>] [--storage-config <file>]",
        discussion: """
            Runs lxc-start and waits up to 10 seconds for the container to be RUNNING. With --foreground the
            container runs attached to this terminal until it stops (lxc-start -F), as in the debugging recipe
            'lxc-start -n <ctid> -F -l DEBUG -o <file>'; the exit status is then lxc-start's.
            """,
        arguments: [RuntimeContext.ctidArgument],
        options: [
            .flag("--foreground", help: "Run in the foreground (lxc-start -F)."),
            .value("--log-file", valueName: "file", help: "Write LXC's log to this file (-o)."),
            .value(
                "--log-priority", valueName: "level", help: "LXC log level: TRACE, DEBUG, INFO, NOTICE, WARN, ERROR, …"),
        ] + RuntimeContext.commonOptions,
        examples: [
            ("start 100", "Start container 100 and wait until it runs."),
            ("start 100 --foreground --log-file /tmp/lxc-100.log --log-priority DEBUG", "Debug a container that does not start."),
        ],
        completions: ["--log-priority": .words(["TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "ERROR", "CRIT", "ALERT", "FATAL"])]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        let ctid = try RuntimeContext.ctid(parsed)
        let lxc = try RuntimeContext.lxc(parsed)
        let options = StartOptions(
            foreground: parsed.flag("--foreground"), logFile: parsed.value("--log-file"),
            logPriority: parsed.value("--log-priority"))
        // With a Proxmox config (<config-dir>/<ctid>.conf) this is 'pct start'; else LXC's own config.
        let host = try LifecycleOptions.host(parsed)
        if !options.foreground, !parsed.flag("--print-command"), host.configExists(ctid) {
            return try LifecycleOptions.perform(console: &console) { warn in try host.start(ctid, warn: warn) }
        }
        let command = try RuntimeContext.mapErrors { () throws(RuntimeError) in
            try lxc.startCommand(ctid, options: options)
        }
        if parsed.flag("--print-command") {
            console.out(command.description + "\n")
            return 0
        }
        return try RuntimeContext.mapErrors { () throws(RuntimeError) -> Int32 in
            if options.foreground {
                return try lxc.runForeground(ctid, options: options).status.exitCode
            }
            // Proxmox refuses to start a running container (API2::LXC::Status vm_start).
            if try lxc.state(of: ctid) != .stopped {
                throw RuntimeError(.startFailed, "CT \(ctid) already running")
            }
            try lxc.start(ctid, options: options)
            return 0
        }
    }
}

/// `stop <ctid>`: a clean shutdown (like `pct shutdown`) or an immediate kill (like `pct stop`).
enum StopCommand: CLICommand {
    static let spec = CommandSpec(
        name: "stop",
        abstract: "Stop a container.",
        usage: "stop <ctid> [--timeout <seconds>] [--kill] [--print-command] [--lxcpath <dir>] [--config-dir <dir>] [--storage-config <file>]",
        discussion: """
            Without --kill this is a clean shutdown like 'pct shutdown': the container's init gets its halt
            signal and has --timeout seconds (LXC's default: 60) to stop, else the command fails. --kill stops
            it at once like 'pct stop'. Either way the command returns once the container is STOPPED.
            For a container with a Proxmox config (<config-dir>/<ctid>.conf) it is 'pct stop': killed at once
            (a clean shutdown only with --timeout; see 'shutdown'), then its volumes are unmounted.
            """,
        arguments: [RuntimeContext.ctidArgument],
        options: [
            .value("--timeout", valueName: "seconds", help: "Seconds to wait for a clean shutdown."),
            .flag("--kill", help: "Kill the container at once (lxc-stop --kill)."),
        ] + RuntimeContext.commonOptions,
        examples: [("stop 100 --timeout 30", "Shut container 100 down cleanly, waiting up to 30 seconds.")]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        let ctid = try RuntimeContext.ctid(parsed)
        let lxc = try RuntimeContext.lxc(parsed)
        let timeout = try parsed.int("--timeout")
        if let timeout, timeout < 0 { throw UsageError("The value '\(timeout)' is invalid for '--timeout <seconds>'") }
        if parsed.flag("--kill"), timeout != nil {
            throw UsageError("The options '--kill' and '--timeout' cannot be combined")
        }
        let mode: StopMode = parsed.flag("--kill") ? .kill : .shutdown(timeout: timeout, forceAfterTimeout: false)
        let command = try RuntimeContext.mapErrors { () throws(RuntimeError) in try lxc.stopCommand(ctid, mode: mode) }
        if parsed.flag("--print-command") {
            console.out(command.description + "\n")
            return 0
        }
        let host = try LifecycleOptions.host(parsed)
        if !parsed.flag("--print-command"), host.configExists(ctid) {
            // 'pct stop': at once, unless a clean shutdown with --timeout is asked for.
            let pctMode: StopMode = timeout.map { .shutdown(timeout: $0, forceAfterTimeout: false) } ?? .kill
            return try LifecycleOptions.perform(console: &console) { warn in try host.stop(ctid, mode: pctMode, warn: warn) }
        }
        let outcome = try RuntimeContext.mapErrors { () throws(RuntimeError) in try lxc.stop(ctid, mode: mode) }
        if outcome == .wasNotRunning { throw CommandFailure("CT \(ctid) not running") }
        return 0
    }
}

/// `status <ctid>`: `status: running|stopped` like `pct status`, or JSON with the LXC state and PID.
enum StatusCommand: CLICommand {
    static let spec = CommandSpec(
        name: "status",
        abstract: "Show a container's state.",
        usage:
            "status <ctid> [--json] [--verbose] [--print-command] [--lxcpath <dir>] [--config-dir <dir>] [--storage-config <file>]",
        discussion: """
            Prints 'status: running' or 'status: stopped' like 'pct status' (any state but STOPPED counts as
            running). --json adds the LXC state and the host PID of the container's init. --verbose adds, like
            'pct status --verbose', the name, lock, pid, cpus, maxmem and maxswap (bytes) from <vmid>.conf. A
            container with a config that LXC does not know yet (never started) is stopped; with neither a config
            nor an LXC container it says the config file does not exist and exits 1.
            """,
        arguments: [RuntimeContext.ctidArgument],
        options: [
            .flag("--json", help: "Print JSON: ctid, status, state, pid."),
            .flag("--verbose", help: "Also name, lock, pid, cpus, maxmem, maxswap."),
        ] + RuntimeContext.commonOptions,
        examples: [("status 100", "Prints 'status: running' or 'status: stopped'.")],
        jsonFields: [
            ("ctid", "The container ID."),
            ("status", "running or stopped, as 'pct status' says."),
            ("state", "LXC's state (RUNNING, STOPPED, FROZEN, ...)."),
            ("pid", "The host PID of the container's init, or null."),
        ]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        let ctid = try RuntimeContext.ctid(parsed)
        let lxc = try RuntimeContext.lxc(parsed)
        if parsed.flag("--print-command") {
            console.out(
                try RuntimeContext.mapErrors { () throws(RuntimeError) in try lxc.infoCommand(ctid) }.description + "\n"
            )
            return 0
        }
        let host = try LifecycleOptions.host(parsed)
        let config = host.configExists(ctid) ? try host.readConfig(ctid).config : nil
        let status: ContainerStatus
        if config != nil {
            status = (try? lxc.status(of: ctid)) ?? ContainerStatus(name: ctid, state: .stopped, pid: nil)
        } else {
            do {
                status = try lxc.status(of: ctid)
            } catch {
                // Neither a config nor an LXC container: one message, as 'pct status' gives.
                if error.code == .containerNotFound {
                    throw CommandFailure("Configuration file '\(host.configPath(ctid))' does not exist")
                }
                status = try RuntimeContext.mapErrors { () throws(RuntimeError) in throw error }
            }
        }
        let word = status.state == .stopped ? "stopped" : "running"
        if parsed.flag("--json") {
            let json = JSON.object([
                ("ctid", .string(ctid)),
                ("status", .string(word)),
                ("state", .string(status.state.name)),
                ("pid", status.pid.map { .int(Int($0)) } ?? .null),
            ])
            console.out(json.rendered())
        } else {
            console.out("status: \(word)\n")
            if parsed.flag("--verbose") {
                let main = config?.main
                let mib = { (key: String, fallback: UInt64) in (UInt64(main?[key] ?? "") ?? fallback) * 1024 * 1024 }
                console.out("name: \(main?["hostname"] ?? "CT\(ctid)")\n")
                if let lock = main?["lock"] { console.out("lock: \(lock)\n") }
                if let pid = status.pid { console.out("pid: \(pid)\n") }
                console.out("cpus: \(main?["cores"] ?? main?["cpulimit"] ?? "1")\n")
                console.out("maxmem: \(mib("memory", 512))\nmaxswap: \(mib("swap", 512))\n")
            }
        }
        return 0
    }
}

/// `enter <ctid>`: a login shell inside the container on this terminal, like `pct enter`.
enum EnterCommand: CLICommand {
    static let spec = CommandSpec(
        name: "enter",
        abstract: "Open a shell inside a running container.",
        usage: "enter <ctid> [--clear-env] [--print-command] [--lxcpath <dir>] [--config-dir <dir>] [--storage-config <file>]",
        discussion: """
            Runs 'lxc-attach -n <ctid> --keep-env' (or --clear-env) on this terminal, like 'pct enter'. The
            exit status is the shell's.
            """,
        arguments: [RuntimeContext.ctidArgument],
        options: [.flag("--clear-env", help: "Start with a clean environment (only container=lxc).")]
            + RuntimeContext.commonOptions,
        examples: [("enter 100", "A root shell inside container 100.")]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        let ctid = try RuntimeContext.ctid(parsed)
        let lxc = try RuntimeContext.lxc(parsed)
        let options = AttachOptions(environment: parsed.flag("--clear-env") ? .clear(keeping: []) : .keep)
        let command = try RuntimeContext.mapErrors { () throws(RuntimeError) in
            try lxc.attachCommand(ctid, nil, options: options)
        }
        if parsed.flag("--print-command") {
            console.out(command.description + "\n")
            return 0
        }
        return try RuntimeContext.mapErrors { () throws(RuntimeError) in try lxc.enter(ctid, options: options).exitCode
        }
    }
}

/// `exec <ctid> -- <cmd>…`: run a command inside the container, like `pct exec`; exits with its code.
enum ExecCommand: CLICommand {
    static let spec = CommandSpec(
        name: "exec",
        abstract: "Run a command inside a running container.",
        usage:
            "exec <ctid> [--clear-env] [--env <name=value>]... [--print-command] [--lxcpath <dir>] -- <cmd> [<arg>...]",
        discussion: """
            Runs 'lxc-attach -n <ctid> --keep-env -- <cmd>…' (or --clear-env) with this terminal's input and
            output, like 'pct exec'. The exit status is the command's (128 + N when it was killed by signal N).
            """,
        arguments: [RuntimeContext.ctidArgument, (label: "cmd", help: "The command and its arguments, after '--'.")],
        options: [
            .flag("--clear-env", help: "Start with a clean environment (only container=lxc)."),
            .repeated("--env", valueName: "name=value", help: "Set a variable inside the container (repeatable)."),
        ] + RuntimeContext.commonOptions,
        examples: [("exec 100 --clear-env -- cat /etc/hostname", "Run a command in container 100.")]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        let ctid = try RuntimeContext.ctid(parsed)
        let lxc = try RuntimeContext.lxc(parsed)
        guard let program = parsed.afterTerminator, !program.isEmpty else { throw UsageError("missing command") }
        let options = AttachOptions(
            environment: parsed.flag("--clear-env") ? .clear(keeping: []) : .keep, variables: parsed.all("--env"))
        let command = try RuntimeContext.mapErrors { () throws(RuntimeError) in
            try lxc.attachCommand(ctid, program, options: options)
        }
        if parsed.flag("--print-command") {
            console.out(command.description + "\n")
            return 0
        }
        return try RuntimeContext.mapErrors { () throws(RuntimeError) -> Int32 in
            try lxc.attach(ctid, program, options: options, run: .interactive).status.exitCode
        }
    }
}
