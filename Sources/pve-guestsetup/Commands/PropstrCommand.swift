enum PropstrCommand: CLICommand {
    static let spec = CommandSpec(
        name: "propstr",
        abstract: "Parse, validate and canonicalise a Proxmox property string.",
        usage: "propstr <kind> <value> [--json]"
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard try parse(args, console: &console) != nil else { return 0 }
        throw CommandFailure("propstr: not implemented yet")
    }
}
