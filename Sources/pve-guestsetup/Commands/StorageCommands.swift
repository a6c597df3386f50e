import PVEStorage

/// The options every storage-using VMID command takes, with Proxmox's default locations.
enum StorageOptions {
    /// Whether bind mounts are verified after mounting; tests running a recording runner turn it off.
    @TaskLocal static var verifiesBindMounts = true
    /// Where the config locks are (the config-edit session's); tests use a directory of their own.
    @TaskLocal static var lockDirectory = ConfigEditSession.lockDirectory

    static let common: [OptionSpec] = [
        .value("--config-dir", valueName: "dir", help: "Directory of <vmid>.conf files (default /etc/pve/lxc)."),
        .value("--storage-config", valueName: "file", help: "Storage configuration (default /etc/pve/storage.cfg)."),
        .value("--lxcpath", valueName: "dir", help: "LXC container directory (default /var/lib/lxc)."),
    ]

    static func containerStorage(_ parsed: ParsedArguments) throws(UsageError) -> ContainerStorage {
        for name in ["--config-dir", "--storage-config", "--lxcpath"] {
            if let v = parsed.value(name), v.isEmpty { throw UsageError("The value '' is invalid for '\(name)'") }
        }
        var host = StorageHost(runner: RuntimeContext.runner)
        host.verifiesBindMounts = verifiesBindMounts
        return ContainerStorage(
            configDirectory: parsed.value("--config-dir") ?? "/etc/pve/lxc",
            storageConfigPath: parsed.value("--storage-config") ?? "/etc/pve/storage.cfg",
            lxcPath: parsed.value("--lxcpath") ?? "/var/lib/lxc", host: host, lockDirectory: lockDirectory)
    }

    /// The shared body of `mount` and `unmount`: the VMID, the locations, warnings on stderr.
    static func perform(
        _ parsed: ParsedArguments, console: inout Console,
        _ body: (ContainerStorage, String, (String) -> Void) throws(StorageError) -> Void
    ) throws -> Int32 {
        let vmid = try RuntimeContext.ctid(parsed)
        let storage = try containerStorage(parsed)
        var warnings: [String] = []
        defer { for w in warnings { console.err(w + "\n") } }
        try failing { () throws(StorageError) in try body(storage, vmid) { warnings.append($0) } }
        return 0
    }

    /// Runs a storage operation, turning its error into a reported failure (exit 1).
    static func failing<T>(_ body: () throws(StorageError) -> T) throws(CommandFailure) -> T {
        do { return try body() } catch { throw CommandFailure(error.message) }
    }
}

/// `mount <vmid>`: mount a container's volumes under its rootfs directory, like `pct mount`.
enum MountCommand: CLICommand {
    static let spec = CommandSpec(
        name: "mount",
        abstract: "Mount a container's file systems on the host.",
        usage: "mount <vmid> [--json] [--config-dir <dir>] [--storage-config <file>] [--lxcpath <dir>]",
        discussion: """
            Like 'pct mount': sets the 'mounted' lock in <vmid>.conf and mounts rootfs and mp0, mp1, … (in that
            order) under <lxcpath>/<vmid>/rootfs: raw images through a loop device, directories and host paths
            as bind mounts. Meant for maintenance; 'unmount' undoes it. Only 'dir' storages are supported.
            """,
        arguments: [(label: "vmid", help: "The container ID (100-999999999).")],
        options: [StorageCommand.jsonOption] + StorageOptions.common,
        jsonFields: [("vmid", "The container ID."), ("path", "Where its root file system is mounted.")]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        var message = ""
        let json = parsed.flag("--json")
        let status = try StorageOptions.perform(parsed, console: &console) { (storage, vmid, warn) throws(StorageError) in
            let path = try storage.mount(vmid: vmid, warn: warn)
            message =
                json
                ? JSON.object([("vmid", .string(vmid)), ("path", .string(path))]).rendered() : "mounted CT \(vmid) in '\(path)'\n"
        }
        console.out(message)
        return status
    }
}

/// `unmount <vmid>`: unmount what `mount` mounted, like `pct unmount`.
enum UnmountCommand: CLICommand {
    static let spec = CommandSpec(
        name: "unmount",
        abstract: "Unmount a container's file systems.",
        usage: "unmount <vmid> [--config-dir <dir>] [--storage-config <file>] [--lxcpath <dir>]",
        discussion: """
            Like 'pct unmount': unmounts mp255 … mp0 and rootfs (those mounted) below <lxcpath>/<vmid>/rootfs,
            detaching loop devices, then removes the 'mounted' lock.
            """,
        arguments: [(label: "vmid", help: "The container ID (100-999999999).")],
        options: StorageOptions.common
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        return try StorageOptions.perform(parsed, console: &console) { (storage, vmid, warn) throws(StorageError) in
            try storage.unmount(vmid: vmid, warn: warn)
        }
    }
}

/// `storage format|check|path`: the storage configuration as Proxmox reads it.
enum StorageCommand: CLICommand {
    static let spec = CommandSpec(
        name: "storage",
        abstract: "Read storage.cfg and resolve volume IDs.",
        usage: "storage <subcommand>"
    )

    static let subcommands: [any CLICommand.Type] = [StorageFormatCommand.self, StorageCheckCommand.self, StoragePathCommand.self]

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        try runSubcommand(args, console: &console)
    }

    /// A diagnostic as `--json` prints it.
    static func diagnosticJSON(_ d: StorageDiagnostic) -> JSON {
        .object([
            ("severity", .string(d.kind == .error ? "error" : "warning")), ("line", .int(d.line)), ("column", .int(d.column)),
            ("section", d.section.map { .string($0) } ?? .null), ("message", .string(d.message)),
        ])
    }

    static let jsonOption = OptionSpec.flag("--json", help: "Print one JSON object (fields below).")
    static let diagnosticsField = (
        name: "diagnostics", help: "Every problem: {severity (error or warning), line, column, section, message}."
    )

    /// Reads and parses a storage.cfg (a missing file reads as empty, as Proxmox's does).
    static func load(_ path: String) throws(CommandFailure) -> (StorageConfig, [StorageDiagnostic]) {
        try StorageOptions.failing { () throws(StorageError) in try StorageConfig.read(path: path) }
    }
}

enum StorageFormatCommand: CLICommand {
    static let spec = CommandSpec(
        name: "storage format",
        abstract: "Print storage.cfg in Proxmox's canonical form.",
        usage: "storage format [<file>] [--json]",
        discussion: """
            Reads the file as Proxmox does (bad lines, values and sections are reported on stderr and left out;
            the built-in 'local' storage is added when missing) and prints what Proxmox would write back.
            Lists Proxmox writes in hash order (content, nodes) are sorted. Default file: /etc/pve/storage.cfg.
            """,
        arguments: [(label: "file", help: "The storage configuration (a missing file reads as empty).")],
        options: [StorageCommand.jsonOption],
        examples: [("storage format /etc/pve/storage.cfg", "Proxmox's canonical form of the storage configuration.")],
        jsonFields: [
            ("file", "The file read."),
            ("canonical", "What Proxmox would write back."),
            StorageCommand.diagnosticsField,
        ]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        if parsed.positionals.count > 1 { throw UsageError("Unexpected argument '\(parsed.positionals[1])'") }
        let file = parsed.positionals.first ?? "/etc/pve/storage.cfg"
        let (config, diagnostics) = try StorageCommand.load(file)
        let bytes = try StorageOptions.failing { () throws(StorageError) in try StorageConfig.write(config) }
        if parsed.flag("--json") {
            let json = JSON.object([
                ("file", .string(file)), ("canonical", .string(String(decoding: bytes, as: UTF8.self))),
                ("diagnostics", .array(diagnostics.map(StorageCommand.diagnosticJSON))),
            ])
            console.out(json.rendered())
            return 0
        }
        for d in diagnostics { console.err(d.description + "\n") }
        console.writeOutBytes(bytes)
        return 0
    }
}

enum StorageCheckCommand: CLICommand {
    static let spec = CommandSpec(
        name: "storage check",
        abstract: "Report every problem Proxmox's reader warns about.",
        usage: "storage check [<file>] [--json]",
        discussion: """
            Prints FILE:LINE:COL: error|warning: … for each problem; exits 1 when a line, value or section would
            be left out, 0 otherwise. Default file: /etc/pve/storage.cfg.
            """,
        arguments: [(label: "file", help: "The storage configuration.")],
        options: [StorageCommand.jsonOption],
        examples: [("storage check /etc/pve/storage.cfg", "Every problem, one per line.")],
        jsonFields: [
            ("file", "The file read."),
            ("refused", "Whether a line, value or section is left out (exit status 1)."),
            StorageCommand.diagnosticsField,
        ]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        if parsed.positionals.count > 1 { throw UsageError("Unexpected argument '\(parsed.positionals[1])'") }
        let file = parsed.positionals.first ?? "/etc/pve/storage.cfg"
        let (_, diagnostics) = try StorageCommand.load(file)
        let refused = diagnostics.contains { $0.kind == .error }
        if parsed.flag("--json") {
            let json = JSON.object([
                ("file", .string(file)), ("refused", .bool(refused)),
                ("diagnostics", .array(diagnostics.map(StorageCommand.diagnosticJSON))),
            ])
            console.out(json.rendered())
        } else {
            for d in diagnostics { console.out(d.description + "\n") }
        }
        return refused ? 1 : 0
    }
}

enum StoragePathCommand: CLICommand {
    static let spec = CommandSpec(
        name: "storage path",
        abstract: "Print the host path of a volume ID or mount point volume.",
        usage: "storage path <volume> [--storage-config <file>] [--json]",
        discussion: """
            Like 'pvesm path': local:100/vm-100-disk-0.raw → /var/lib/vz/images/100/vm-100-disk-0.raw. An
            absolute host path (a bind mount point) is printed as it is. Only 'dir' storages are supported.
            """,
        arguments: [(label: "volume", help: "A volume ID (STORAGE:NAME) or an absolute host path.")],
        options: [StorageOptions.common[1], StorageCommand.jsonOption],
        examples: [("storage path local:100/vm-100-disk-0.raw", "Prints /var/lib/vz/images/100/vm-100-disk-0.raw.")],
        jsonFields: [("volume", "The volume as given."), ("path", "Its host path.")]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        let volume = try parsed.requirePositionals(["volume"])[0]
        let (config, diagnostics) = try StorageCommand.load(parsed.value("--storage-config") ?? "/etc/pve/storage.cfg")
        for d in diagnostics { console.err(d.description + "\n") }
        let path = try StorageOptions.failing { () throws(StorageError) in try config.path(of: volume) }
        if parsed.flag("--json") {
            console.out(JSON.object([("volume", .string(volume)), ("path", .string(path))]).rendered())
            return 0
        }
        console.out(path + "\n")
        return 0
    }
}
