/// A top-level command of the CLI. Each lives in its own file under `Commands/`.
protocol CLICommand: Sendable {
    static var spec: CommandSpec { get }
    /// Runs with the arguments after the command name; returns the exit status.
    /// Throw `UsageError` for a bad command line (exit 64) and `CommandFailure` for a reported failure.
    static func run(_ args: [String], console: inout Console) throws -> Int32
}

extension CLICommand {
    /// Tokenises `args` against `spec.options`; prints help and returns nil on `--help`.
    static func parse(_ args: [String], console: inout Console) throws(UsageError) -> ParsedArguments? {
        let parsed = try ArgumentTokenizer.parse(args, options: spec.options)
        if parsed.helpRequested {
            console.out(spec.helpText)
            return nil
        }
        return parsed
    }
}

/// The whole CLI as a pure function of its arguments: `run(args) -> exit status`.
enum CLI {
    static let version = "0.1.0"

    static let commands: [any CLICommand.Type] = [
        PropstrCommand.self,
        ConfigCommand.self,
        DetectCommand.self,
        ApplyCommand.self,
        StartCommand.self,
        StopCommand.self,
        StatusCommand.self,
        EnterCommand.self,
        ExecCommand.self,
        MountCommand.self,
        UnmountCommand.self,
        StorageCommand.self,
    ]

    static var spec: CommandSpec {
        CommandSpec(
            name: "",
            abstract: "Read, validate, edit and apply Proxmox VE container configs and guest setup.",
            usage: "<subcommand>",
            options: [.flag("--version", help: "Show the version.")],
            subcommands: commands.map { ($0.spec.name, $0.spec.abstract) }
        )
    }

    static func run(_ args: [String], console: inout Console) -> Int32 {
        guard let first = args.first else {
            console.err(spec.usageErrorText("Missing expected argument '<subcommand>'"))
            return 64
        }
        if first == "-h" || first == "--help" || first == "help" {
            if first == "help", args.count > 1 { return run(Array(args.dropFirst()) + ["--help"], console: &console) }
            console.out(spec.helpText)
            return 0
        }
        if first == "--version" {
            console.out(version + "\n")
            return 0
        }
        guard let command = commands.first(where: { $0.spec.name == first }) else {
            console.err(spec.usageErrorText("Unknown subcommand '\(first)'"))
            return 64
        }
        return invoke(command, Array(args.dropFirst()), console: &console)
    }

    /// Runs a command (or subcommand) and maps its errors to output and exit status.
    static func invoke(_ command: any CLICommand.Type, _ args: [String], console: inout Console) -> Int32 {
        do {
            return try command.run(args, console: &console)
        } catch let error as UsageError {
            console.err(command.spec.usageErrorText(error.message))
            return 64
        } catch let error as CommandFailure {
            if !error.message.isEmpty {
                console.err(error.message.hasSuffix("\n") ? error.message : error.message + "\n")
            }
            return error.exitCode
        } catch {
            console.err("Error: \(error)\n")
            return 1
        }
    }
}
