/// Describes a command for `--help` and usage errors (swift-argument-parser's layout).
struct CommandSpec {
    /// Full command path without the program name, e.g. `"config snapshot"`.
    var name: String
    var abstract: String
    /// Usage line without the program name, e.g. `"propstr <kind> <value> [--json]"`.
    var usage: String
    var discussion: String = ""
    var arguments: [(label: String, help: String)] = []
    var options: [OptionSpec] = []
    var subcommands: [(name: String, abstract: String)] = []

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
}
