import PVEConfig

/// `set <vmid> -key value …`: change a container's config, like `pct set`.
enum SetCommand: CLICommand {
    static let spec = CommandSpec(
        name: "set",
        abstract: "Change a container's config (pct set).",
        usage:
            "set <vmid> [-<key> <value>]... [--delete <keys>] [--revert <keys>] [--digest <sha1>] [--skiplock] [--config-dir <dir>] [--storage-config <file>] [--lxcpath <dir>]",
        discussion: """
            Like 'pct set': any config key is an option (-memory 512 or --memory 512), under the per-VMID lock
            (/run/lock/lxc/pve-config-<vmid>.lock). A locked config is refused unless --skiplock; --digest
            refuses a config changed since it was read. On a stopped container the changes are made at once; on
            a running one memory, swap, cpulimit and cpuunits are applied now through its cgroup, everything
            else is queued as pending and applied by the next start or reboot. netN values get type=veth and a
            generated hwaddr. --delete and --revert take comma- or space-separated key lists.
            """,
        arguments: [LifecycleOptions.vmidArgument],
        options: [
            .repeated("--delete", valueName: "keys", help: "Keys to delete."),
            .repeated("--revert", valueName: "keys", help: "Pending changes to drop."),
            .value("--digest", valueName: "sha1", help: "Refuse when the config's digest differs."),
            .flag("--skiplock", help: "Ignore a lock on the config."),
        ] + StorageOptions.common,
        examples: [("set 100 -hostname web2 -memory 1024", "Rename container 100 (at its next start) and give it 1 GiB.")]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        let (rest, settings) = try LifecycleOptions.split(args, known: spec.options, settings: true)
        guard let parsed = try parse(rest, console: &console) else { return 0 }
        let vmid = try LifecycleOptions.checkedVMID(try parsed.requirePositionals(["vmid"])[0])
        let host = try LifecycleOptions.host(parsed)
        func keys(_ name: String) -> [String] {
            parsed.all(name).flatMap { $0.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }).map(String.init) }
        }
        let request = SetRequest(
            settings: settings, deletes: keys("--delete"), reverts: keys("--revert"), digest: parsed.value("--digest"),
            skipLock: parsed.flag("--skiplock"))
        if request.settings.isEmpty && request.deletes.isEmpty && request.reverts.isEmpty {
            throw UsageError("no options specified")
        }
        return try LifecycleOptions.perform(console: &console) { warn in try host.set(vmid, request, warn: warn) }
    }
}

/// `config show <vmid>` (also `config <vmid>`): a container's config, like `pct config`.
enum ConfigShowCommand: CLICommand {
    static let spec = CommandSpec(
        name: "config show",
        abstract: "Print a container's config by VMID (pct config).",
        usage:
            "config show <vmid> [--current] [--snapshot <name>] [--json] [--config-dir <dir>] [--storage-config <file>] [--lxcpath <dir>]",
        discussion: """
            Like 'pct config <vmid>' (which 'config <vmid>' also runs): the config with pending changes applied,
            or as it is now with --current, or a snapshot's.
            """,
        arguments: [LifecycleOptions.vmidArgument],
        options: [
            .flag("--current", help: "Without pending changes."),
            .value("--snapshot", valueName: "name", help: "A snapshot's config."),
            StorageCommand.jsonOption,
        ] + StorageOptions.common,
        examples: [("config 100", "Container 100's config, pending changes applied.")],
        jsonFields: [
            ("vmid", "The container ID."),
            ("config", "The shown section as 'config json' prints it: keys (integers and booleans as numbers), description, env, lxc."),
        ]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let (parsed, host) = try LifecycleOptions.parse(self, args, console: &console) else { return 0 }
        let config = try host.readConfig(parsed.positionals[0]).config
        let (current, snapshot) = (parsed.flag("--current"), parsed.value("--snapshot"))
        if parsed.flag("--json") {
            let section = try ContainerHost.configSection(config, current: current, snapshot: snapshot)
            console.out(
                JSON.object([("vmid", .string(parsed.positionals[0])), ("config", ConfigJSONCommand.sectionJSON(section))]).rendered())
            return 0
        }
        console.out(try ContainerHost.configText(config, current: current, snapshot: snapshot))
        return 0
    }
}

/// `pending <vmid>`: current and pending values, like `pct pending`.
enum PendingCommand: CLICommand {
    static let spec = CommandSpec(
        name: "pending",
        abstract: "Show a container's pending changes (pct pending).",
        usage: "pending <vmid> [--json] [--config-dir <dir>] [--storage-config <file>] [--lxcpath <dir>]",
        discussion: "Like 'pct pending': 'cur KEY: VALUE', 'new KEY: VALUE' and 'del KEY: VALUE' lines in key order.",
        arguments: [LifecycleOptions.vmidArgument],
        options: [StorageCommand.jsonOption] + StorageOptions.common,
        examples: [("pending 100", "What the next start of container 100 changes.")],
        jsonFields: [
            ("vmid", "The container ID."),
            ("keys", "One object per key, in key order."),
            ("keys[].key", "The config key."),
            ("keys[].current", "Its current value, or null."),
            ("keys[].pending", "Its pending value, or null."),
            ("keys[].delete", "Whether a pending change deletes it."),
        ]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let (parsed, host) = try LifecycleOptions.parse(self, args, console: &console) else { return 0 }
        let config = try host.readConfig(parsed.positionals[0]).config
        if parsed.flag("--json") {
            let json = JSON.object([("vmid", .string(parsed.positionals[0])), ("keys", .array(ContainerHost.pendingJSON(config)))])
            console.out(json.rendered())
            return 0
        }
        console.out(ContainerHost.pendingText(config))
        return 0
    }
}

/// `unlock <vmid>`: remove a config lock, like `pct unlock`.
enum UnlockCommand: CLICommand {
    static let spec = CommandSpec(
        name: "unlock",
        abstract: "Remove a container's config lock (pct unlock).",
        usage: "unlock <vmid> [--config-dir <dir>] [--storage-config <file>] [--lxcpath <dir>]",
        discussion: "Like 'pct unlock': deletes the 'lock' key (left by a failed create, backup, mount, …).",
        arguments: [LifecycleOptions.vmidArgument],
        options: StorageOptions.common,
        examples: [("unlock 100", "Unlock container 100.")]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let (parsed, host) = try LifecycleOptions.parse(self, args, console: &console) else { return 0 }
        return try LifecycleOptions.perform(console: &console) { warn in try host.unlock(parsed.positionals[0], warn: warn) }
    }
}

/// `listsnapshot <vmid>`: the config's snapshots, like `pct listsnapshot`.
enum ListSnapshotCommand: CLICommand {
    static let spec = CommandSpec(
        name: "listsnapshot",
        abstract: "List a container's snapshots (pct listsnapshot).",
        usage: "listsnapshot <vmid> [--json] [--config-dir <dir>] [--storage-config <file>] [--lxcpath <dir>]",
        discussion: "Like 'pct listsnapshot': one line per snapshot (name, snaptime, description), then 'current'.",
        arguments: [LifecycleOptions.vmidArgument],
        options: [StorageCommand.jsonOption] + StorageOptions.common,
        examples: [("listsnapshot 100", "Container 100's snapshots.")],
        jsonFields: [
            ("vmid", "The container ID."),
            ("snapshots", "One object per snapshot, in file order ('current' is not listed)."),
            ("snapshots[].name", "The snapshot's name."),
            ("snapshots[].snaptime", "Its creation time (seconds since the epoch), or null."),
            ("snapshots[].description", "Its description, or null."),
        ]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let (parsed, host) = try LifecycleOptions.parse(self, args, console: &console) else { return 0 }
        let config = try host.readConfig(parsed.positionals[0]).config
        if parsed.flag("--json") {
            let json = JSON.object([
                ("vmid", .string(parsed.positionals[0])), ("snapshots", .array(ContainerHost.snapshotListJSON(config))),
            ])
            console.out(json.rendered())
            return 0
        }
        console.out(ContainerHost.snapshotListText(config))
        return 0
    }
}

/// `snapshot <vmid> <name>`: a config snapshot, like `pct snapshot`.
enum SnapshotCommand: CLICommand {
    static let spec = CommandSpec(
        name: "snapshot",
        abstract: "Snapshot a container's config (pct snapshot).",
        usage: "snapshot <vmid> <snapname> [--description <text>] [--config-dir <dir>] [--storage-config <file>] [--lxcpath <dir>]",
        discussion: """
            Like 'pct snapshot' on the config: the current values become section [snapname] and 'parent' names it.
            Volumes on 'dir' storages have no snapshots; their data is not copied.
            """,
        arguments: [LifecycleOptions.vmidArgument, (label: "snapname", help: "The snapshot's name.")],
        options: [.value("--description", valueName: "text", help: "The snapshot's description.")] + StorageOptions.common,
        examples: [("snapshot 100 before-upgrade", "Record container 100's config as 'before-upgrade'.")]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let (parsed, host) = try LifecycleOptions.parse(self, args, console: &console, positionals: ["vmid", "snapname"])
        else { return 0 }
        return try LifecycleOptions.perform(console: &console) { warn in
            try host.snapshot(
                parsed.positionals[0], name: parsed.positionals[1], description: parsed.value("--description"), warn: warn)
        }
    }
}

/// `delsnapshot <vmid> <name>`, like `pct delsnapshot`.
enum DelSnapshotCommand: CLICommand {
    static let spec = CommandSpec(
        name: "delsnapshot",
        abstract: "Delete a config snapshot (pct delsnapshot).",
        usage: "delsnapshot <vmid> <snapname> [--force] [--config-dir <dir>] [--storage-config <file>] [--lxcpath <dir>]",
        discussion: "Like 'pct delsnapshot': removes section [snapname] and re-points 'parent' references.",
        arguments: [LifecycleOptions.vmidArgument, (label: "snapname", help: "The snapshot's name.")],
        options: [.flag("--force", help: "Remove it even if its volumes cannot be.")] + StorageOptions.common,
        examples: [("delsnapshot 100 before-upgrade", "Forget the snapshot.")]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let (parsed, host) = try LifecycleOptions.parse(self, args, console: &console, positionals: ["vmid", "snapname"])
        else { return 0 }
        return try LifecycleOptions.perform(console: &console) { warn in
            try host.deleteSnapshot(parsed.positionals[0], name: parsed.positionals[1], force: parsed.flag("--force"), warn: warn)
        }
    }
}

/// `rollback <vmid> <name>`, like `pct rollback` (on the config).
enum RollbackCommand: CLICommand {
    static let spec = CommandSpec(
        name: "rollback",
        abstract: "Roll a stopped container's config back to a snapshot (pct rollback).",
        usage: "rollback <vmid> <snapname> [--config-dir <dir>] [--storage-config <file>] [--lxcpath <dir>]",
        discussion: "Like 'pct rollback' on the config: the snapshot's values replace the current ones; pending changes are dropped.",
        arguments: [LifecycleOptions.vmidArgument, (label: "snapname", help: "The snapshot's name.")],
        options: StorageOptions.common,
        examples: [("rollback 100 before-upgrade", "Back to the snapshot's config.")]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let (parsed, host) = try LifecycleOptions.parse(self, args, console: &console, positionals: ["vmid", "snapname"])
        else { return 0 }
        return try LifecycleOptions.perform(console: &console) { warn in
            try host.rollback(parsed.positionals[0], name: parsed.positionals[1], warn: warn)
        }
    }
}

/// `push <vmid> <file> <destination>`: a host file into a running container, like `pct push`.
enum PushCommand: CLICommand {
    static let spec = CommandSpec(
        name: "push",
        abstract: "Copy a file into a running container (pct push).",
        usage:
            "push <vmid> <file> <destination> [--perms <mode>] [--user <uid>] [--group <gid>] [--config-dir <dir>] [--storage-config <file>] [--lxcpath <dir>]",
        discussion: """
            Like 'pct push': written through the container's root (/proc/<pid>/root) without following symlinks
            out of it; owner --user/--group (numeric, default 0), shifted by 100000 for an unprivileged container;
            mode --perms (octal, default 0644).
            """,
        arguments: [
            LifecycleOptions.vmidArgument, (label: "file", help: "The host file."),
            (label: "destination", help: "The path inside the container."),
        ],
        options: [
            .value("--perms", valueName: "mode", help: "File mode, octal (default 0644)."),
            .value("--user", valueName: "uid", help: "Owner inside the container (default 0)."),
            .value("--group", valueName: "gid", help: "Group inside the container (default 0)."),
        ] + StorageOptions.common,
        examples: [("push 100 ./motd /etc/motd", "Copy ./motd to /etc/motd in container 100.")],
        completions: ["destination": .none]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard
            let (parsed, host) = try LifecycleOptions.parse(
                self, args, console: &console, positionals: ["vmid", "file", "destination"])
        else { return 0 }
        func id(_ name: String) throws(UsageError) -> UInt32 {
            guard let v = parsed.value(name) else { return 0 }
            if v == "root" { return 0 }
            guard let n = UInt32(v), n < 65536 else { throw UsageError("The value '\(v)' is invalid for '\(name)'") }
            return n
        }
        var perms: UInt32? = nil
        if let p = parsed.value("--perms") {
            guard let m = UInt32(p.hasPrefix("0o") ? String(p.dropFirst(2)) : p, radix: 8), m <= 0o7777 else {
                throw UsageError("The value '\(p)' is invalid for '--perms <mode>'")
            }
            perms = m
        }
        let p = parsed.positionals
        try host.push(p[0], source: p[1], destination: p[2], perms: perms, user: try id("--user"), group: try id("--group"))
        return 0
    }
}

/// `pull <vmid> <path> <destination>`: a file out of a running container, like `pct pull`.
enum PullCommand: CLICommand {
    static let spec = CommandSpec(
        name: "pull",
        abstract: "Copy a file out of a running container (pct pull).",
        usage: "pull <vmid> <path> <destination> [--config-dir <dir>] [--storage-config <file>] [--lxcpath <dir>]",
        discussion: "Like 'pct pull': read through the container's root (/proc/<pid>/root), written to the host file.",
        arguments: [
            LifecycleOptions.vmidArgument, (label: "path", help: "The path inside the container."),
            (label: "destination", help: "The host file to write."),
        ],
        options: StorageOptions.common,
        examples: [("pull 100 /etc/hostname ./hostname", "Copy the container's /etc/hostname here.")],
        completions: ["path": .none]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard
            let (parsed, host) = try LifecycleOptions.parse(
                self, args, console: &console, positionals: ["vmid", "path", "destination"])
        else { return 0 }
        let p = parsed.positionals
        try host.pull(p[0], source: p[1], destination: p[2])
        return 0
    }
}
