enum DetectCommand: CLICommand {
    static let spec = CommandSpec(
        name: "detect",
        abstract: "Detect the guest OS type of a container root file system.",
        usage: "detect <rootfs> [--json]"
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard try parse(args, console: &console) != nil else { return 0 }
        throw CommandFailure("detect: not implemented yet")
    }
}
