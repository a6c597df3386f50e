/// One entry of the CLI's command table: everything `--help`, usage errors, the man page and the
/// bash completion say about a command. Adding a command means adding one `CLICommand` (with its
/// spec) to `CLI.commands` (or to its parent's `subcommands`); everything else is generated.
struct CommandSpec {
    /// Full command path without the program name, e.g. `"config snapshot"`.
    var name: String
    /// One line: what the command does.
    var abstract: String
    /// Usage line without the program name, e.g. `"propstr <kind> <value> [--json]"`. A positional
    /// written `<label>...` takes any number of values (the completion repeats its kind).
    var usage: String
    var discussion: String = ""
    /// Positional arguments in order. Their completion is inferred from the label (see `ValueKind`)
    /// unless `completions` names it.
    var arguments: [(label: String, help: String)] = []
    var options: [OptionSpec] = []
    /// Filled in from the command's `subcommands` (see `CLICommand.fullSpec`).
    var subcommands: [(name: String, abstract: String)] = []
    /// Example command lines (without the program name) and what they do.
    var examples: [(command: String, help: String)] = []
    /// The top-level members of the one JSON object `--json` prints, documented for users and
    /// checked by the tests against real output.
    var jsonFields: [(name: String, help: String)] = []
    /// Completion for a positional label or an option name where inference from the name is not enough.
    var completions: [String: ValueKind] = [:]
    /// Internal commands (`_man`, `_completion`) are left out of help, man page and completion.
    var hidden: Bool = false

    static let program = "pve-guestsetup"

    var helpText: String {
        var s = "OVERVIEW: \(abstract)\n"
        if !discussion.isEmpty { s += "\n\(discussion)\n" }
        s += "\nUSAGE: \(Self.program) \(usage)\n"
        if !arguments.isEmpty {
            s += "\nARGUMENTS:\n"
            for a in arguments { s += Self.row("<\(a.label)>", a.help) }
        }
        s += "\nOPTIONS:\n"
        for o in options { s += Self.row(o.label, o.help) }
        s += Self.row("-h, --help", "Show help information.")
        if !jsonFields.isEmpty {
            s += "\nJSON FIELDS (--json):\n"
            for f in jsonFields { s += Self.row(f.name, f.help) }
        }
        if !examples.isEmpty {
            s += "\nEXAMPLES:\n"
            for e in examples { s += "  \(Self.program) \(e.command)\n      \(e.help)\n" }
        }
        if !subcommands.isEmpty {
            s += "\nSUBCOMMANDS:\n"
            for c in subcommands { s += Self.row(c.name, c.abstract) }
            s += "\n  See '\(Self.program) \(name.isEmpty ? "" : name + " ")<subcommand> --help' for detailed help.\n"
        }
        return s
    }

    static func row(_ label: String, _ help: String) -> String {
        let width = 24
        if label.count + 2 <= width {
            return "  " + label + String(repeating: " ", count: width - label.count) + help + "\n"
        }
        return "  " + label + "\n" + String(repeating: " ", count: width + 2) + help + "\n"
    }

    /// The text printed on stderr for a bad command line.
    func usageErrorText(_ message: String) -> String {
        let helpName = name.isEmpty ? "" : " " + name
        return "Error: \(message)\nUsage: \(Self.program) \(usage)\n  See '\(Self.program)\(helpName) --help' for more information.\n"
    }

    /// Whether the usage line lets `<label>` repeat (`<label>...`).
    func isVariadic(_ label: String) -> Bool { usage.contains("<\(label)>...") }

    /// What a positional argument's values are.
    func argumentKind(_ label: String) -> ValueKind { completions[label] ?? ValueKind.inferred(from: label) }

    /// What an option's values are (`.none` for a flag).
    func optionKind(_ option: OptionSpec) -> ValueKind {
        if option.kind == .flag { return .none }
        return completions[option.primaryName] ?? ValueKind.inferred(from: option.valueName)
    }

    /// Whether the command has a `--json` flag.
    var printsJSON: Bool { options.contains { $0.names.contains("--json") } }
}

/// What the values of an argument or option are, for completion and the man page.
enum ValueKind: Equatable {
    case none
    case file
    case directory
    /// A container ID: completed from the config directory (`/etc/pve/lxc/<vmid>.conf`).
    case vmid
    /// A command on the PATH (after `--`).
    case command
    case words([String])

    /// The kind a value name suggests: `vmid`/`ctid`, `dir`/`rootfs`, `cmd`, anything naming a
    /// file (`file`, `file.json`, `log-file`); else none.
    static func inferred(from name: String) -> ValueKind {
        switch name {
        case "dir", "rootfs", "directory": return .directory
        case "vmid", "ctid": return .vmid
        case "cmd", "command": return .command
        case "conf": return .file
        default: return name.contains("file") ? .file : .none
        }
    }
}
