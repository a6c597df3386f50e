/// `pve-guestsetup _man`: prints the man page (roff) generated from the command table.
/// Hidden: `scripts/build-deb` runs it to build `pve-guestsetup.1`.
enum ManCommand: CLICommand {
    static let spec = CommandSpec(
        name: "_man",
        abstract: "Print the pve-guestsetup(1) man page (roff) generated from the command table.",
        usage: "_man",
        hidden: true
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        _ = try parsed.requirePositionals([])
        console.out(ManPage.render())
        return 0
    }
}

/// `pve-guestsetup _completion bash`: prints the completion script generated from the command table.
/// Hidden: `scripts/build-deb` runs it to build the package's bash completion.
enum CompletionCommand: CLICommand {
    static let spec = CommandSpec(
        name: "_completion",
        abstract: "Print the shell completion script generated from the command table.",
        usage: "_completion <shell>",
        arguments: [("shell", "The shell: bash.")],
        hidden: true
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        let shell = try parsed.requirePositionals(["shell"])[0]
        guard shell == "bash" else { throw UsageError("The value '\(shell)' is invalid for '<shell>' (bash)") }
        console.out(BashCompletion.render())
        return 0
    }
}
