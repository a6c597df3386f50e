import PVEConfig
import PVERuntime
import PVEStorage

/// What the `pct`-like VMID commands share: pct's option spellings and the host locations.
enum LifecycleOptions {
    static let vmidArgument = (label: "vmid", help: "The container ID (100-999999999).")

    /// pct accepts `-memory 512` as well as `--memory 512`: a single-dash long option becomes
    /// the double-dash one. Options named in `known` stay for the tokenizer; every other
    /// `--key value` / `--key=value` is returned as a config setting (when `settings` is true).
    static func split(
        _ args: [String], known: [OptionSpec], settings allowed: Bool
    ) throws(UsageError) -> (rest: [String], settings: [(key: String, value: String)]) {
        var rest: [String] = []
        var settings: [(key: String, value: String)] = []
        var i = 0
        while i < args.count {
            var arg = args[i]
            i += 1
            if arg == "--" {
                rest += args[(i - 1)...]
                break
            }
            if arg.count > 2, arg.hasPrefix("-"), !arg.hasPrefix("--") { arg = "-" + arg }
            guard arg.hasPrefix("--") else {
                rest.append(arg)
                continue
            }
            var name = arg
            var inline: String? = nil
            if let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq])
                inline = String(arg[arg.index(after: eq)...])
            }
            if name == "--help" || known.contains(where: { $0.names.contains(name) }) {
                rest.append(arg)
                continue
            }
            guard allowed else { throw UsageError("Unknown option '\(name)'") }
            let key = String(name.dropFirst(2))
            guard ConfigSchema.schema(for: key) != nil else { throw UsageError("Unknown option '\(name)'") }
            if let inline {
                settings.append((key, inline))
            } else if i < args.count {
                settings.append((key, args[i]))
                i += 1
            } else {
                throw UsageError("Missing value for '\(name) <value>'")
            }
        }
        return (rest, settings)
    }

    /// Parses a VMID command: pct's spellings, `--help`, the VMID and the locations.
    static func parse(
        _ command: any CLICommand.Type, _ args: [String], console: inout Console, positionals: [String] = ["vmid"]
    ) throws(UsageError) -> (parsed: ParsedArguments, host: ContainerHost)? {
        let (rest, _) = try split(args, known: command.spec.options, settings: false)
        guard let parsed = try command.parse(rest, console: &console) else { return nil }
        let values = try parsed.requirePositionals(positionals)
        _ = try checkedVMID(values[0])
        return (parsed, try host(parsed))
    }

    /// `--timeout <seconds>` of shutdown and reboot: absent, or a whole number of seconds ≥ 0.
    static func timeout(_ parsed: ParsedArguments) throws(UsageError) -> Int? {
        guard let timeout = try parsed.int("--timeout") else { return nil }
        if timeout < 0 { throw UsageError("The value '\(timeout)' is invalid for '--timeout <seconds>'") }
        return timeout
    }

    static func checkedVMID(_ id: String) throws(UsageError) -> String { try VMID.check(id, argument: "<vmid>") }

    /// The host locations from `--config-dir`, `--storage-config`, `--lxcpath`.
    static func host(_ parsed: ParsedArguments) throws(UsageError) -> ContainerHost {
        let storage = try StorageOptions.containerStorage(parsed)
        var host = ContainerHost()
        host.configDirectory = storage.configDirectory
        host.storageConfigPath = storage.storageConfigPath
        host.lxcPath = storage.lxcPath
        host.lockDirectory = storage.lockDirectory
        host.runner = RuntimeContext.runner
        host.toolDirectory = RuntimeContext.toolDirectory
        host.subuidPath = subuidPath
        host.subgidPath = subgidPath
        return host
    }

    /// Test hooks: where the subordinate id files are.
    @TaskLocal static var subuidPath = "/etc/subuid"
    @TaskLocal static var subgidPath = "/etc/subgid"

    /// Runs a lifecycle operation with its warnings on stderr.
    static func perform(console: inout Console, _ body: ((String) -> Void) throws -> Void) throws -> Int32 {
        var warnings: [String] = []
        defer { for w in warnings { console.err(w + "\n") } }
        try body { warnings.append($0) }
        return 0
    }
}

/// `create <vmid> <template> [-<key> <value>]…`: a container from a template tarball, like `pct create`.
enum CreateCommand: CLICommand {
    static let spec = CommandSpec(
        name: "create",
        abstract: "Create a container from a template tarball.",
        usage:
            "create <vmid> <template> [-<key> <value>]... [--password <password>] [--ssh-public-keys <file>] [--storage <storage>] [--start <0|1>] [--config-dir <dir>] [--storage-config <file>] [--lxcpath <dir>]",
        discussion: """
            Like 'pct create': any config key is an option (-memory 512 or --memory 512). The template is a
            volume ID (local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst) or a path; gzip, xz and zstd
            tarballs are extracted by the host's tar with numeric owners (for --unprivileged 1 inside a user
            namespace mapping root to 100000, which /etc/subuid and /etc/subgid must allow). The rootfs is
            allocated from --rootfs STORAGE:SIZE (default <--storage>:4, local:4: a 4 GiB ext4 image; size 0: a
            directory). --start 1 starts it afterwards.
            netN values get type=veth and a generated hwaddr; ostype and arch are detected; the post-create
            setup sets --password and --ssh-public-keys. On any failure everything made is removed again.
            """,
        arguments: [
            LifecycleOptions.vmidArgument,
            (label: "template", help: "A volume ID (STORAGE:vztmpl/NAME) or a path to a template tarball."),
        ],
        options: [
            .value("--password", valueName: "password", help: "The root password inside the container."),
            .value("--ssh-public-keys", valueName: "file", help: "SSH public keys for root (authorized_keys)."),
            .value("--storage", valueName: "storage", help: "Storage of the default rootfs (default local): <storage>:4."),
            .value("--start", valueName: "0|1", help: "Start the container once it is created."),
        ] + StorageOptions.common,
        examples: [
            (
                "create 100 local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst -hostname web -memory 512 -net0 name=eth0,bridge=vmbr0,ip=dhcp",
                "Create container 100 from a Debian template."
            )
        ]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        let (rest, settings) = try LifecycleOptions.split(args, known: spec.options, settings: true)
        guard let parsed = try parse(rest, console: &console) else { return 0 }
        let values = try parsed.requirePositionals(["vmid", "template"])
        let vmid = try LifecycleOptions.checkedVMID(values[0])
        let host = try LifecycleOptions.host(parsed)
        var keys: String? = nil
        if let file = parsed.value("--ssh-public-keys") {
            guard let bytes = HostFacts.readHostFile(file) else { throw CommandFailure("unable to read '\(file)'") }
            keys = String(decoding: bytes, as: UTF8.self)
        }
        var request = CreateRequest(
            vmid: vmid, template: values[1], settings: settings, password: parsed.value("--password"), sshKeys: keys)
        if let storage = parsed.value("--storage") { request.defaultStorage = storage }
        let start = parsed.value("--start") ?? "0"
        guard start == "0" || start == "1" else { throw UsageError("The value '\(start)' is invalid for '--start <0|1>'") }
        return try LifecycleOptions.perform(console: &console) { warn in
            try host.create(request, warn: warn)
            if start == "1" { try host.start(vmid, warn: warn) }
        }
    }
}

/// `shutdown <vmid>`: a clean shutdown, like `pct shutdown`.
enum ShutdownCommand: CLICommand {
    static let spec = CommandSpec(
        name: "shutdown",
        abstract: "Shut a container down cleanly.",
        usage: "shutdown <vmid> [--timeout <seconds>] [--force-stop] [--config-dir <dir>] [--storage-config <file>] [--lxcpath <dir>]",
        discussion: """
            Like 'pct shutdown': the container's init gets its halt signal and has --timeout seconds (default 60)
            to stop; with --force-stop it is then killed, else the command fails. The volumes are unmounted after.
            """,
        arguments: [LifecycleOptions.vmidArgument],
        options: [
            .value("--timeout", valueName: "seconds", help: "Seconds to wait (default 60)."),
            .flag("--force-stop", help: "Kill the container when the timeout passes."),
        ] + StorageOptions.common,
        examples: [("shutdown 100 --timeout 30 --force-stop", "Shut down, killing it after 30 seconds.")]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let (parsed, host) = try LifecycleOptions.parse(self, args, console: &console) else { return 0 }
        let timeout = try LifecycleOptions.timeout(parsed) ?? 60
        let mode = StopMode.shutdown(timeout: timeout, forceAfterTimeout: parsed.flag("--force-stop"))
        return try LifecycleOptions.perform(console: &console) { warn in
            try host.stop(parsed.positionals[0], mode: mode, warn: warn)
        }
    }
}

/// `reboot <vmid>`: shutdown and start, like `pct reboot`.
enum RebootCommand: CLICommand {
    static let spec = CommandSpec(
        name: "reboot",
        abstract: "Reboot a container (shutdown, then start with pending changes applied).",
        usage: "reboot <vmid> [--timeout <seconds>] [--config-dir <dir>] [--storage-config <file>] [--lxcpath <dir>]",
        discussion: """
            Like 'pct reboot': a clean shutdown (killed after --timeout seconds), then 'start', which applies
            pending changes and regenerates the LXC config.
            """,
        arguments: [LifecycleOptions.vmidArgument],
        options: [.value("--timeout", valueName: "seconds", help: "Seconds to wait for the shutdown.")] + StorageOptions.common,
        examples: [("reboot 100", "Reboot container 100.")]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let (parsed, host) = try LifecycleOptions.parse(self, args, console: &console) else { return 0 }
        let timeout = try LifecycleOptions.timeout(parsed)
        return try LifecycleOptions.perform(console: &console) { warn in
            try host.reboot(parsed.positionals[0], timeout: timeout, warn: warn)
        }
    }
}

/// `destroy <vmid>`: remove a stopped container, like `pct destroy`.
enum DestroyCommand: CLICommand {
    static let spec = CommandSpec(
        name: "destroy",
        abstract: "Destroy a stopped container and its volumes.",
        usage: "destroy <vmid> [--purge] [--config-dir <dir>] [--storage-config <file>] [--lxcpath <dir>]",
        discussion: """
            Like 'pct destroy': refuses a running, locked or protected container; removes the volumes the
            container owns (rootfs, mpN, unusedN, also those only snapshots name), <vmid>.conf and the LXC
            directory <lxcpath>/<vmid>. --purge is accepted (there are no job or HA configs to clean here).
            """,
        arguments: [LifecycleOptions.vmidArgument],
        options: [.flag("--purge", help: "Accepted for pct's spelling.")] + StorageOptions.common,
        examples: [("destroy 100", "Remove container 100 and its volumes.")]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let (parsed, host) = try LifecycleOptions.parse(self, args, console: &console) else { return 0 }
        return try LifecycleOptions.perform(console: &console) { warn in try host.destroy(parsed.positionals[0], warn: warn) }
    }
}

/// `list`: the containers of the config directory, like `pct list`.
enum ListCommand: CLICommand {
    static let spec = CommandSpec(
        name: "list",
        abstract: "List the containers.",
        usage: "list [--json] [--config-dir <dir>] [--storage-config <file>] [--lxcpath <dir>]",
        discussion: "Like 'pct list': VMID, status, lock and name of every <vmid>.conf in the config directory.",
        options: [StorageCommand.jsonOption] + StorageOptions.common,
        examples: [("list", "VMID, status, lock and name of every container.")],
        jsonFields: [
            ("containers", "One object per <vmid>.conf, in VMID order."),
            ("containers[].vmid", "The container ID."),
            ("containers[].status", "running or stopped."),
            ("containers[].lock", "The config's lock, or null."),
            ("containers[].name", "Its hostname, else CT<vmid>."),
        ]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        if let extra = parsed.positionals.first { throw UsageError("Unexpected argument '\(extra)'") }
        let host = try LifecycleOptions.host(parsed)
        var rows: [(String, String, String, String)] = []
        for vmid in host.vmids() {
            let config = (try? host.readConfig(vmid))?.config
            let status = host.state(vmid) == .stopped ? "stopped" : "running"
            rows.append((vmid, status, config?.main["lock"] ?? "", config?.main["hostname"] ?? "CT\(vmid)"))
        }
        if parsed.flag("--json") {
            let containers = rows.map { r in
                JSON.object([
                    ("vmid", .string(r.0)), ("status", .string(r.1)), ("lock", r.2.isEmpty ? .null : .string(r.2)),
                    ("name", .string(r.3)),
                ])
            }
            console.out(JSON.object([("containers", .array(containers))]).rendered())
            return 0
        }
        if rows.isEmpty { return 0 }
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        console.out(pad("VMID", 10) + " " + pad("Status", 10) + " " + pad("Lock", 10) + " Name\n")
        for r in rows { console.out(pad(r.0, 10) + " " + pad(r.1, 10) + " " + pad(r.2, 10) + " " + r.3 + "\n") }
        return 0
    }
}

/// `console <vmid>`: the container's console on this terminal, like `pct console`.
enum ConsoleCommand: CLICommand {
    static let spec = CommandSpec(
        name: "console",
        abstract: "Attach to a running container's console (pct console).",
        usage: "console <vmid> [--escape <key>] [--print-command] [--lxcpath <dir>] [--config-dir <dir>] [--storage-config <file>]",
        discussion: """
            Like 'pct console': 'lxc-console -n <vmid>' on this terminal (leave with Ctrl+<key> q; default key a).
            """,
        arguments: [LifecycleOptions.vmidArgument],
        options: [.value("--escape", valueName: "key", help: "Escape key: a letter, optionally after '^' (default ^a).")]
            + RuntimeContext.commonOptions,
        examples: [("console 100", "Container 100's console; Ctrl+a q leaves it.")]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        let vmid = try LifecycleOptions.checkedVMID(try parsed.requirePositionals(["vmid"])[0])
        let lxc = try RuntimeContext.lxc(parsed)
        let command = try RuntimeContext.mapErrors { () throws(RuntimeError) in
            try lxc.consoleCommand(vmid, mode: .tty, escape: parsed.value("--escape"))
        }
        if parsed.flag("--print-command") {
            console.out(command.description + "\n")
            return 0
        }
        return try RuntimeContext.mapErrors { () throws(RuntimeError) -> Int32 in
            try lxc.requireRunning(vmid)
            return try RuntimeContext.runner.run(command, options: .interactive).status.exitCode
        }
    }
}
