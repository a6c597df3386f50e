/// A command-line option a command accepts.
struct OptionSpec {
    enum Kind { case flag, value, repeated }
    var names: [String]  // e.g. ["--json"] or ["-f", "--foreground"]
    var kind: Kind
    var valueName: String
    var help: String

    static func flag(_ names: String..., help: String) -> OptionSpec {
        OptionSpec(names: names, kind: .flag, valueName: "", help: help)
    }
    static func value(_ names: String..., valueName: String, help: String) -> OptionSpec {
        OptionSpec(names: names, kind: .value, valueName: valueName, help: help)
    }
    static func repeated(_ names: String..., valueName: String, help: String) -> OptionSpec {
        OptionSpec(names: names, kind: .repeated, valueName: valueName, help: help)
    }

    var primaryName: String { names.last ?? "" }
    var label: String {
        let joined = names.joined(separator: ", ")
        return kind == .flag ? joined : "\(joined) <\(valueName)>"
    }
}

/// A bad command line: printed with the usage line and exits 64 (`EX_USAGE`).
struct UsageError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// A failure that the command already described; printed to stderr, exits with `exitCode`.
struct CommandFailure: Error {
    var message: String
    var exitCode: Int32
    init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }
}

/// The result of tokenising a command line against a command's options.
struct ParsedArguments {
    var positionals: [String] = []
    /// Arguments after a `--` terminator, kept apart (e.g. the command of `exec`).
    var afterTerminator: [String]? = nil
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var helpRequested = false

    func flag(_ name: String) -> Bool { flags.contains(name) }
    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// A value parsed as an integer, or a usage error naming the option.
    func int(_ name: String) throws(UsageError) -> Int? {
        guard let v = value(name) else { return nil }
        guard let n = Int(v) else { throw UsageError("The value '\(v)' is invalid for '\(name) <\(name.dropFirst(2))>'") }
        return n
    }

    /// Exactly `count` positionals, or a usage error naming the missing or extra one.
    func requirePositionals(_ labels: [String]) throws(UsageError) -> [String] {
        if positionals.count < labels.count {
            throw UsageError("Missing expected argument '<\(labels[positionals.count])>'")
        }
        if positionals.count > labels.count {
            throw UsageError("Unexpected argument '\(positionals[labels.count])'")
        }
        return positionals
    }
}

enum ArgumentTokenizer {
    /// Splits `args` into positionals, options and flags.
    /// Accepts `--opt value`, `--opt=value`, `-h`/`--help`, and `--` (everything after it is kept
    /// in `afterTerminator`). Unknown options are usage errors.
    static func parse(_ args: [String], options: [OptionSpec]) throws(UsageError) -> ParsedArguments {
        var result = ParsedArguments()
        var i = 0
        while i < args.count {
            let arg = args[i]
            i += 1
            if arg == "--" {
                result.afterTerminator = Array(args[i...])
                break
            }
            if arg == "-h" || arg == "--help" {
                result.helpRequested = true
                continue
            }
            guard arg.hasPrefix("-"), arg != "-" else {
                result.positionals.append(arg)
                continue
            }
            var name = arg
            var inline: String? = nil
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq])
                inline = String(arg[arg.index(after: eq)...])
            }
            guard let spec = options.first(where: { $0.names.contains(name) }) else {
                throw UsageError("Unknown option '\(name)'")
            }
            switch spec.kind {
            case .flag:
                if inline != nil { throw UsageError("The option '\(name)' takes no value") }
                result.flags.insert(spec.primaryName)
            case .value, .repeated:
                let v: String
                if let inline {
                    v = inline
                } else if i < args.count {
                    v = args[i]
                    i += 1
                } else {
                    throw UsageError("Missing value for '\(spec.label)'")
                }
                if spec.kind == .value, result.values[spec.primaryName] != nil {
                    throw UsageError("The option '\(name)' was given more than once")
                }
                result.values[spec.primaryName, default: []].append(v)
            }
        }
        return result
    }
}
