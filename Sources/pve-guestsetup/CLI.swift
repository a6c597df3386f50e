/// A command of the CLI. Each lives in its own file under `Commands/`; its `spec` is its entry in
/// the command table (help, usage errors, man page, completion).
protocol CLICommand: Sendable {
    static var spec: CommandSpec { get }
    /// The commands below this one (`config format`, …); empty for a leaf command.
    static var subcommands: [any CLICommand.Type] { get }
    /// Runs with the arguments after the command name; returns the exit status.
    /// Throw `UsageError` for a bad command line (exit 64) and `CommandFailure` for a reported failure.
    static func run(_ args: [String], console: inout Console) throws -> Int32
}

extension CLICommand {
    static var subcommands: [any CLICommand.Type] { [] }

    /// The spec with its subcommand list filled in from `subcommands` (so it is written once).
    static var fullSpec: CommandSpec {
        var s = spec
        s.subcommands = subcommands.filter { !$0.spec.hidden }.map { sub in
            (String(sub.spec.name.split(separator: " ").last ?? ""), sub.spec.abstract)
        }
        return s
    }

    /// Tokenises `args` against `spec.options`; prints help and returns nil on `--help`.
    static func parse(_ args: [String], console: inout Console) throws(UsageError) -> ParsedArguments? {
        let parsed = try ArgumentTokenizer.parse(args, options: spec.options)
        if parsed.helpRequested {
            console.out(fullSpec.helpText)
            return nil
        }
        return parsed
    }

    /// Dispatches to the subcommand named by the first argument (for a command with subcommands).
    static func runSubcommand(_ args: [String], console: inout Console) throws -> Int32 {
        if let first = args.first, !first.hasPrefix("-") {
            guard let sub = subcommands.first(where: { $0.spec.name == spec.name + " " + first }) else {
                throw UsageError("Unknown subcommand '\(first)'")
            }
            return CLI.invoke(sub, Array(args.dropFirst()), console: &console)
        }
        guard try parse(args, console: &console) != nil else { return 0 }
        throw UsageError("Missing expected argument '<subcommand>'")
    }
}

/// The whole CLI as a pure function of its arguments: `run(args) -> exit status`.
enum CLI {
    /// `pve-guestsetup --version`: the version, and the commit when the build recorded one.
    static var versionText: String {
        BuildInfo.version + (BuildInfo.commit.map { " (commit \($0))" } ?? "")
    }

    /// The command table: every top-level command, in the order help and the man page list them.
    static let commands: [any CLICommand.Type] = [
        PropstrCommand.self,
        ConfigCommand.self,
        DetectCommand.self,
        ApplyCommand.self,
        LXCConfigCommand.self,
        HostFactsCommand.self,
        CreateCommand.self,
        StartCommand.self,
        StopCommand.self,
        ShutdownCommand.self,
        RebootCommand.self,
        DestroyCommand.self,
        ListCommand.self,
        SetCommand.self,
        PendingCommand.self,
        UnlockCommand.self,
        PushCommand.self,
        PullCommand.self,
        ListSnapshotCommand.self,
        SnapshotCommand.self,
        DelSnapshotCommand.self,
        RollbackCommand.self,
        StatusCommand.self,
        EnterCommand.self,
        ConsoleCommand.self,
        ExecCommand.self,
        MountCommand.self,
        UnmountCommand.self,
        StorageCommand.self,
    ]

    /// Hidden commands for the build scripts (`_man`, `_completion bash`): not in help, man page or completion.
    static let internalCommands: [any CLICommand.Type] = [ManCommand.self, CompletionCommand.self]

    static var spec: CommandSpec {
        CommandSpec(
            name: "",
            abstract: "Read, validate, edit and apply Proxmox VE container configs and guest setup.",
            usage: "<subcommand>",
            options: [.flag("--version", help: "Show the version (and the git commit it was built from).")],
            subcommands: commands.map { ($0.spec.name, $0.spec.abstract) }
        )
    }

    /// Every visible command and subcommand, depth first, as the man page and completion list them.
    static var table: [(command: any CLICommand.Type, depth: Int)] {
        func walk(_ list: [any CLICommand.Type], _ depth: Int) -> [(command: any CLICommand.Type, depth: Int)] {
            list.filter { !$0.spec.hidden }.flatMap { [($0, depth)] + walk($0.subcommands, depth + 1) }
        }
        return walk(commands, 0)
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
            console.out(versionText + "\n")
            return 0
        }
        guard let command = (commands + internalCommands).first(where: { $0.spec.name == first }) else {
            console.err(spec.usageErrorText("Unknown subcommand '\(first)'"))
            return 64
        }
        return invoke(command, Array(args.dropFirst()), console: &console)
    }

    /// Runs a command (or subcommand) and maps its errors to output and exit status. With `--json`
    /// (before any `--`) on a command that has it, errors go to stderr as one JSON object.
    static func invoke(_ command: any CLICommand.Type, _ args: [String], console: inout Console) -> Int32 {
        let json = command.spec.printsJSON && args.prefix { $0 != "--" }.contains("--json")
        do {
            return try command.run(args, console: &console)
        } catch let error as UsageError {
            if json {
                console.err(errorJSON(error.message, exitCode: 64, usage: command.spec.usage))
            } else {
                console.err(command.spec.usageErrorText(error.message))
            }
            return 64
        } catch let error as CommandFailure {
            if json {
                console.err(errorJSON(error.message, exitCode: error.exitCode, usage: nil))
            } else if !error.message.isEmpty {
                console.err(error.message.hasSuffix("\n") ? error.message : error.message + "\n")
            }
            return error.exitCode
        } catch {
            if json {
                console.err(errorJSON("\(error)", exitCode: 1, usage: nil))
            } else {
                console.err("Error: \(error)\n")
            }
            return 1
        }
    }

    /// The fields of the JSON error object every `--json` command prints on stderr.
    static let errorJSONFields: [(name: String, help: String)] = [
        ("error", "The message (Proxmox's where it has one), without a final newline."),
        ("exitCode", "The exit status: 64 for a bad command line, else 1 (or the command's own)."),
        ("usage", "The usage line, for a bad command line only."),
    ]

    /// `{"error": …, "exitCode": …}` on one line, for `--json` runs that fail.
    static func errorJSON(_ message: String, exitCode: Int32, usage: String?) -> String {
        var text = message
        while text.hasSuffix("\n") { text.removeLast() }
        var members: [(String, JSON)] = [("error", .string(text)), ("exitCode", .int(Int(exitCode)))]
        if let usage { members.append(("usage", .string(CommandSpec.program + " " + usage))) }
        return JSON.object(members).rendered(pretty: false) + "\n"
    }
}
