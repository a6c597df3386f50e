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
    static let spec = CommandSpec(name: "config snapshot", abstract: "Snapshots.", usage: "config snapshot <op> <file> <name>")
    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard try parse(args, console: &console) != nil else { return 0 }
        throw CommandFailure("config snapshot: not implemented yet")
    }
}
