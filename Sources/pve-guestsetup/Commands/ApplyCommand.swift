enum ApplyCommand: CLICommand {
    static let spec = CommandSpec(
        name: "apply",
        abstract: "Apply a container config to its root file system, as Proxmox's setup hooks do.",
        usage: "apply --config <file> --rootfs <dir> [options]"
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard try parse(args, console: &console) != nil else { return 0 }
        throw CommandFailure("apply: not implemented yet")
    }
}
