import Glibc
import PVEConfig

enum ConfigCheckCommand: CLICommand {
    static let spec = CommandSpec(
        name: "config check",
        abstract: "Check config files the way Proxmox's strict reader does.",
        usage: "config check <file>... [--vmid <vmid>]",
        discussion: """
            Lists every problem as FILE:LINE:COL: error: ... (Proxmox's strict reader refuses the
            file) or FILE:LINE:COL: warning: ... (Proxmox accepts the file, e.g. deprecated lxc keys
            or duplicate keys). Exits 1 if any file has an error.
            """,
        arguments: [("file", "Config files (<vmid>.conf).")],
        options: [ConfigCommand.vmidOption]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        guard !parsed.positionals.isEmpty else { throw UsageError("Missing expected argument '<file>'") }
        var status: Int32 = 0
        for path in parsed.positionals {
            let vmid = ConfigCommand.vmid(for: path, option: parsed.value("--vmid"))
            do {
                let loaded = try ConfigCommand.load(path, vmid: vmid)
                for d in loaded.result.diagnostics {
                    if d.refusesFile { status = 1 }
                    console.err(d.description + "\n")
                }
            } catch let failure as CommandFailure {
                console.err(failure.message + "\n")
                status = 1
            }
        }
        return status
    }
}
enum ConfigGetCommand: CLICommand {
    static let spec = CommandSpec(name: "config get", abstract: "Print one key.", usage: "config get <file> <key>")
    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard try parse(args, console: &console) != nil else { return 0 }
        throw CommandFailure("config get: not implemented yet")
    }
}
enum ConfigSetCommand: CLICommand {
    static let spec = CommandSpec(name: "config set", abstract: "Set keys.", usage: "config set <file> <key=value>...")
    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard try parse(args, console: &console) != nil else { return 0 }
        throw CommandFailure("config set: not implemented yet")
    }
}
enum ConfigJSONCommand: CLICommand {
    static let spec = CommandSpec(name: "config json", abstract: "Print JSON.", usage: "config json <file>")
    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard try parse(args, console: &console) != nil else { return 0 }
        throw CommandFailure("config json: not implemented yet")
    }
}
enum ConfigSnapshotCommand: CLICommand {
    static let spec = CommandSpec(
        name: "config snapshot",
        abstract: "Prepare, commit, create, delete or roll back a snapshot in place.",
        usage: "config snapshot <operation> <file> <name> [--description <text>] [--snaptime <epoch>] [--force] [--vmid <vmid>]",
        discussion: """
            Operations: prepare, commit, create (= prepare + commit), delete, rollback. Storage is not
            touched: the config is transformed as Proxmox transforms it and written back atomically
            in Proxmox's canonical form. On failure prints Proxmox's message, exits 1 and leaves the
            file untouched.
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
            ConfigCommand.vmidOption,
        ]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        let p = try parsed.requirePositionals(["operation", "file", "name"])
        let (operation, path, name) = (p[0], p[1], p[2])
        guard ["prepare", "commit", "create", "delete", "rollback"].contains(operation) else {
            throw UsageError("Unknown snapshot operation '\(operation)'")
        }
        let snaptime = try parsed.int("--snaptime") ?? Int(time(nil))
        let vmid = ConfigCommand.vmid(for: path, option: parsed.value("--vmid"))
        let loaded = try ConfigCommand.load(path, vmid: vmid)
        ConfigCommand.printProxmoxWarnings(loaded.result.diagnostics, console: &console)
        var config = loaded.result.config
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
        let bytes: [UInt8]
        do {
            bytes = try ConfigWriter.write(config)
        } catch {
            throw CommandFailure(error.message)
        }
        try ConfigCommand.replace(path, with: bytes)
        return 0
    }
}
