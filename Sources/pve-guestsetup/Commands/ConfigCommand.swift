enum ConfigCommand: CLICommand {
    static let spec = CommandSpec(
        name: "config",
        abstract: "Read, check, edit and snapshot container config files.",
        usage: "config <subcommand>"
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard try parse(args, console: &console) != nil else { return 0 }
        throw CommandFailure("config: not implemented yet")
    }
}
