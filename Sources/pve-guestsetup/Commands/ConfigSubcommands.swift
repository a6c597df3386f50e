import Glibc
import PVEConfig

enum ConfigCheckCommand: CLICommand {
    static let spec = CommandSpec(
        name: "config check",
        abstract: "Check config files the way Proxmox's strict reader does.",
        usage: "config check <file>... [--vmid <vmid>] [--json]",
        discussion: """
            Lists every problem as FILE:LINE:COL: error: ... (Proxmox's strict reader refuses the
            file) or FILE:LINE:COL: warning: ... (Proxmox accepts the file, e.g. deprecated lxc keys
            or duplicate keys). Exits 1 if any file has an error.
            """,
        arguments: [("file", "Config files (<vmid>.conf).")],
        options: [ConfigCommand.vmidOption, ConfigCommand.jsonOption],
        examples: [("config check /etc/pve/lxc/*.conf", "Every problem in every config, one per line.")],
        jsonFields: [
            ("refused", "Whether any file has an error (exit status 1)."),
            ("files", "One object per file, in argument order."),
            ("files[].file", "The path as given."),
            ("files[].refused", "Whether Proxmox's strict reader refuses the file."),
            ("files[].diagnostics", "Every problem: {severity (error or warning), line, column, message}."),
            ("files[].error", "Why the file could not be read, or null."),
        ]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        guard !parsed.positionals.isEmpty else { throw UsageError("Missing expected argument '<file>'") }
        let json = parsed.flag("--json")
        var status: Int32 = 0
        var files: [JSON] = []
        for path in parsed.positionals {
            let vmid = ConfigCommand.vmid(for: path, option: try ConfigCommand.checkedVMID(parsed))
            do {
                let loaded = try ConfigCommand.load(path, vmid: vmid)
                let refused = loaded.result.diagnostics.contains { $0.refusesFile }
                if refused { status = 1 }
                if json {
                    files.append(
                        .object([
                            ("file", .string(path)), ("refused", .bool(refused)),
                            ("diagnostics", .array(loaded.result.diagnostics.map(ConfigCommand.diagnosticJSON))), ("error", .null),
                        ]))
                } else {
                    for d in loaded.result.diagnostics { console.err(d.description + "\n") }
                }
            } catch let failure as CommandFailure {
                status = 1
                if json {
                    files.append(
                        .object([
                            ("file", .string(path)), ("refused", .bool(true)), ("diagnostics", .array([])), ("error", .string(failure.message)),
                        ]))
                } else {
                    console.err(failure.message + "\n")
                }
            }
        }
        if json { console.out(JSON.object([("refused", .bool(status != 0)), ("files", .array(files))]).rendered()) }
        return status
    }
}
enum ConfigGetCommand: CLICommand {
    static let spec = CommandSpec(
        name: "config get",
        abstract: "Print the value of one key.",
        usage: "config get <file> <key> [--snapshot <name> | --pending] [--vmid <vmid>] [--json]",
        discussion: "Prints the value as Proxmox reads it (booleans as 1/0). Exits 1 when the key is not set.",
        arguments: [("file", "The config file."), ("key", "A config key, e.g. memory, net0, description or lxc.apparmor.profile.")],
        options: [
            .value("--snapshot", valueName: "name", help: "Read from this snapshot section."),
            .flag("--pending", help: "Read from the [pve:pending] section."),
            ConfigCommand.vmidOption,
            ConfigCommand.jsonOption,
        ],
        examples: [("config get /etc/pve/lxc/100.conf memory", "Prints e.g. 2048.")],
        jsonFields: [
            ("file, key", "As given."),
            ("section", "main, pending or snapshot:<name>."),
            ("value", "The value as Proxmox reads it."),
        ],
        completions: ["key": .words(ConfigCommand.completionKeys)]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        let p = try parsed.requirePositionals(["file", "key"])
        let section = try ConfigCommand.section(parsed)
        let loaded = try ConfigCommand.load(p[0], vmid: ConfigCommand.vmid(for: p[0], option: try ConfigCommand.checkedVMID(parsed)))
        let config = loaded.result.config
        if case .snapshot(let name) = section, config.snapshots[name] == nil {
            throw CommandFailure("snapshot '\(name)' does not exist")
        }
        guard let value = config.value(p[1], in: section) else {
            throw CommandFailure("\(p[1]): not set in \(section)")
        }
        if parsed.flag("--json") {
            let name: String
            switch section {
            case .main: name = "main"
            case .pending: name = "pending"
            case .snapshot(let snapshot): name = "snapshot:" + snapshot
            }
            console.out(JSON.object([("file", .string(p[0])), ("key", .string(p[1])), ("section", .string(name)), ("value", .string(value))]).rendered())
            return 0
        }
        console.out(value.hasSuffix("\n") ? value : value + "\n")
        return 0
    }
}

enum ConfigSetCommand: CLICommand {
    static let spec = CommandSpec(
        name: "config set",
        abstract: "Set or delete keys in place (lossless, atomic).",
        usage: "config set <file> [<key=value>...] [--delete <key>]... [--pending] [--skiplock] [--digest <sha1>] [--vmid <vmid>]",
        discussion: """
            Validates every value as Proxmox does, then edits only the affected lines and replaces
            the file atomically, keeping its owner, group and mode (a symlinked config is written
            through the link). Without --pending the change is applied as `pct set` applies it to
            a stopped container; with --pending values and deletions are queued in [pve:pending].
            Like Proxmox, holds the config lock /run/lock/lxc/pve-config-<vmid>.lock while reading
            and writing (waits up to 10 s) and refuses a config with a `lock:` key.
            """,
        arguments: [("file", "The config file."), ("key=value", "Keys to set.")],
        options: [
            .repeated("--delete", valueName: "key", help: "Delete a key (may be repeated)."),
            .flag("--pending", help: "Queue the changes in [pve:pending] instead of applying them."),
            .flag("--skiplock", help: "Edit even if the config has a `lock:` key."),
            .value("--digest", valueName: "sha1", help: "Refuse the edit unless the file's SHA-1 digest is this (see `config json`)."),
            ConfigCommand.vmidOption,
        ],
        examples: [
            ("config set /etc/pve/lxc/100.conf memory=2048 --delete swap", "Validated like 'pct set', only those lines change."),
            ("config set 100.conf net0=name=eth0,bridge=vmbr0,ip=dhcp --pending", "Queue a change for the next start."),
        ],
        completions: [
            "key=value": .words(ConfigCommand.completionKeys.map { $0 + "=" }),
            "--delete": .words(ConfigCommand.completionKeys),
        ]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        guard let path = parsed.positionals.first else { throw UsageError("Missing expected argument '<file>'") }
        var assignments: [(String, String)] = []
        for item in parsed.positionals.dropFirst() {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw UsageError("Expected <key=value>, got '\(item)'")
            }
            assignments.append((String(item[..<eq]), String(item[item.index(after: eq)...])))
        }
        let deletions = parsed.all("--delete")
        if assignments.isEmpty && deletions.isEmpty { throw UsageError("Nothing to set: give <key=value> or --delete <key>") }
        let vmid = ConfigCommand.vmid(for: path, option: try ConfigCommand.checkedVMID(parsed))
        let pending = parsed.flag("--pending")
        var options = ConfigEditSession.Options()
        options.skipLock = parsed.flag("--skiplock")
        options.digest = parsed.value("--digest")
        let session = ConfigEditSession(path: path, vmid: vmid, options: options)
        try session.run(console: &console) { config, console in
            do throws(ConfigEditError) {
                for key in deletions {
                    let warning =
                        pending ? try config.queuePendingDeletion(key, vmid: vmid) : try config.deleteApplying(key, vmid: vmid)
                    if let warning { console.err("warning: \(warning)\n") }
                }
                for (key, value) in assignments.sorted(by: { $0.0 < $1.0 }) {
                    if pending {
                        try config.queuePendingValue(key, value, vmid: vmid)
                    } else {
                        try config.setApplying(key, to: value, vmid: vmid)
                    }
                }
                if pending { config.cleanupPending() }
            } catch {
                throw CommandFailure(error.message)
            }
        }
        return 0
    }
}

enum ConfigJSONCommand: CLICommand {
    static let spec = CommandSpec(
        name: "config json",
        abstract: "Print the parsed config as JSON.",
        usage: "config json <file> [--vmid <vmid>] [--json]",
        discussion: "Prints digest, the main section, pending section, snapshots and diagnostics as JSON.",
        arguments: [("file", "The config file.")],
        options: [ConfigCommand.vmidOption, .flag("--json", help: "Accepted for uniformity: the output is JSON anyway; errors too.")],
        examples: [("config json /etc/pve/lxc/100.conf", "The parsed config as JSON.")],
        jsonFields: [
            ("digest", "Proxmox's SHA-1 digest of the file."),
            ("config", "The main section: keys as in the file (integers and booleans as numbers), description, env, lxc ([key, value] pairs)."),
            ("pending, pendingDeletions", "The [pve:pending] section and its deletions {key, force}; only when there are any."),
            ("snapshots", "Each snapshot section by name, like config."),
            ("diagnostics", "Every problem: {severity (error or warning), line, column, message}."),
        ]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        let p = try parsed.requirePositionals(["file"])
        let loaded = try ConfigCommand.load(p[0], vmid: ConfigCommand.vmid(for: p[0], option: try ConfigCommand.checkedVMID(parsed)))
        let config = loaded.result.config
        var members: [(String, JSON)] = [("digest", .string(config.digest))]
        members.append(("config", sectionJSON(config.main)))
        if !config.pending.isEmpty {
            members.append(("pending", sectionJSON(config.pending)))
            members.append(("pendingDeletions", .array(config.pendingDeletions.map { .object([("key", .string($0.key)), ("force", .bool($0.force))]) })))
        }
        members.append(("snapshots", .object(config.snapshotNames.compactMap { name in config.snapshots[name].map { (name, sectionJSON($0)) } })))
        members.append(("diagnostics", .array(loaded.result.diagnostics.map(ConfigCommand.diagnosticJSON))))
        console.out(JSON.object(members).rendered())
        return 0
    }

    static func sectionJSON(_ s: ConfigSection) -> JSON {
        var out: [(String, JSON)] = []
        if let d = s.description { out.append(("description", .string(d))) }
        for (key, value) in s.members {
            if let schema = ConfigSchema.schema(for: key), schema.type == .integer || schema.type == .boolean, let n = Int(value) {
                out.append((key, .int(n)))
            } else {
                out.append((key, .string(value)))
            }
        }
        if let env = s.environment { out.append(("env", .string(env))) }
        if !s.lxc.isEmpty { out.append(("lxc", .array(s.lxc.map { .array([.string($0.key), .string($0.value)]) }))) }
        return .object(out)
    }
}

enum ConfigSnapshotCommand: CLICommand {
    static let spec = CommandSpec(
        name: "config snapshot",
        abstract: "Prepare, commit, create, delete or roll back a snapshot in place.",
        usage: "config snapshot <operation> <file> <name> [--description <text>] [--snaptime <epoch>] [--force] [--canonical] [--vmid <vmid>]",
        discussion: """
            Operations: prepare, commit, create (= prepare + commit), delete, rollback. Storage is not
            touched: the config is transformed as Proxmox transforms it and written back atomically,
            editing only the affected lines (--canonical: Proxmox's canonical form). On failure
            prints Proxmox's message, exits 1 and leaves the file untouched.
            """,
        arguments: [
            ("operation", "prepare, commit, create, delete or rollback."),
            ("file", "The config file (<vmid>.conf)."),
            ("name", "The snapshot name."),
        ],
        options: [
            .value("--description", valueName: "text", help: "Description of a new snapshot (prepare, create)."),
            .value("--snaptime", valueName: "epoch", help: "Creation time of a new snapshot (default: now)."),
            .flag("--force", help: "Delete even if storage snapshots cannot be removed (delete)."),
            .flag("--canonical", help: "Write Proxmox's canonical form instead of editing only the affected lines."),
            ConfigCommand.vmidOption,
        ],
        examples: [
            ("config snapshot create 100.conf before-upgrade --description 'pre upgrade'", "Record a snapshot section."),
            ("config snapshot rollback 100.conf before-upgrade", "Return the config to it."),
        ],
        completions: ["operation": .words(operations)]
    )

    static let operations = ["prepare", "commit", "create", "delete", "rollback"]

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        let p = try parsed.requirePositionals(["operation", "file", "name"])
        let (operation, path, name) = (p[0], p[1], p[2])
        guard operations.contains(operation) else {
            throw UsageError("Unknown snapshot operation '\(operation)'")
        }
        let snaptime = try parsed.int("--snaptime") ?? Int(time(nil))
        let vmid = ConfigCommand.vmid(for: path, option: try ConfigCommand.checkedVMID(parsed))
        var options = ConfigEditSession.Options()
        options.canonical = parsed.flag("--canonical")
        options.checkLock = false  // each operation checks the locks Proxmox checks for it
        let session = ConfigEditSession(path: path, vmid: vmid, options: options)
        try session.run(console: &console) { config, console in
            var outcome = SnapshotOutcome()
            do throws(ConfigOperationError) {
                switch operation {
                case "prepare":
                    try ContainerConfig.validateSnapshotName(name)
                    outcome = try config.prepareSnapshot(name, description: parsed.value("--description"), snaptime: snaptime)
                case "create":
                    try ContainerConfig.validateSnapshotName(name)
                    outcome = try config.createSnapshot(name, description: parsed.value("--description"), snaptime: snaptime)
                case "commit":
                    try config.commitSnapshot(name)
                case "delete":
                    outcome = try config.deleteSnapshot(name, force: parsed.flag("--force"))
                default:
                    try config.rollbackSnapshot(name, vmid: vmid)
                }
            } catch {
                for w in outcome.warnings { console.err("warning: \(w)\n") }
                throw CommandFailure(error.message)
            }
            for w in outcome.warnings { console.err("warning: \(w)\n") }
        }
        return 0
    }
}
