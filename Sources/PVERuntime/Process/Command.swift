/// A program to run: an absolute executable path, its arguments, environment and working directory.
///
/// Commands are plain values: they are built without running anything (so they can be printed, compared
/// in tests and shown by `--print-command`) and handed to a ``CommandRunner``. There is no shell
/// anywhere: the arguments are passed to the program exactly as given.
///
/// Proxmox: the argument arrays passed to `PVE::Tools::run_command` (and `exec` in `PVE::CLI::pct`).
///
///     let info = Command("/usr/bin/lxc-info", ["-n", "100", "-p"])
///     print(info)  // /usr/bin/lxc-info -n 100 -p
public struct Command: Sendable, Hashable, CustomStringConvertible {
    /// Absolute path of the program (`/usr/bin/lxc-attach`); never looked up in `PATH`.
    public var executable: String
    /// The arguments after the program name (`argv[1...]`).
    public var arguments: [String]
    /// The environment the program starts with.
    public var environment: Environment
    /// The directory the program starts in; nil keeps the caller's.
    public var workingDirectory: String?

    /// Creates a command.
    /// - Parameters:
    ///   - executable: absolute path of the program.
    ///   - arguments: the arguments after the program name.
    ///   - environment: the environment (default: inherit the caller's).
    ///   - workingDirectory: where to start the program (default: the caller's directory).
    public init(
        _ executable: String,
        _ arguments: [String] = [],
        environment: Environment = .inherit,
        workingDirectory: String? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// The program name without its directory (`lxc-info`).
    public var name: String {
        guard let slash = executable.lastIndex(of: "/") else { return executable }
        return String(executable[executable.index(after: slash)...])
    }

    /// The command line, with every word quoted for a POSIX shell where needed, so that pasting it into
    /// `sh` runs the same program with the same arguments.
    ///
    /// Environment changes are written as `env` arguments (`env -i K=V … cmd` for a fresh environment,
    /// `env -u K K=V … cmd` for changes), and a working directory as a leading `cd DIR &&`.
    ///
    ///     Command("/bin/echo", ["a b", "it's"]).description  // /bin/echo 'a b' 'it'\''s'
    public var description: String {
        var words: [String] = []
        switch environment.base {
        case .inherit:
            let removed = environment.overrides.filter { $0.value == nil }.map(\.key)
            if !environment.overrides.isEmpty {
                words.append("env")
                for key in removed.sorted(by: Environment.byteOrder) { words += ["-u", key] }
            }
        case .empty:
            words += ["env", "-i"]
        }
        for (key, value) in environment.overrides.sorted(by: { Environment.byteOrder($0.key, $1.key) }) {
            if let value { words.append(key + "=" + value) }
        }
        words.append(executable)
        words += arguments
        let line = words.map(ShellQuoting.quote).joined(separator: " ")
        guard let workingDirectory else { return line }
        return "cd " + ShellQuoting.quote(workingDirectory) + " && " + line
    }
}

/// The environment a ``Command`` starts with: the caller's or an empty one, plus changes.
///
///     Environment.inherit.updating(["LANG": "C", "SSL_CERT_FILE": nil])  // inherit, set LANG, drop SSL_CERT_FILE
///     Environment.empty.updating(["PATH": "/usr/bin:/bin"])              // only PATH
public struct Environment: Sendable, Hashable {
    /// Where the variables start from.
    public enum Base: Sendable, Hashable {
        /// The calling process's environment.
        case inherit
        /// No variables at all.
        case empty
    }

    /// The starting point.
    public var base: Base
    /// Variables to set (non-nil) or remove (nil) on top of `base`.
    public var overrides: [String: String?]

    /// Creates an environment from a base and changes.
    /// - Parameters:
    ///   - base: the starting point.
    ///   - overrides: variables to set (non-nil value) or remove (nil).
    public init(base: Base, overrides: [String: String?] = [:]) {
        self.base = base
        self.overrides = overrides
    }

    /// The caller's environment, unchanged.
    public static let inherit = Environment(base: .inherit)
    /// No variables.
    public static let empty = Environment(base: .empty)

    /// A copy with more changes applied (later changes win).
    /// - Parameter changes: variables to set (non-nil) or remove (nil).
    /// - Returns: the changed environment.
    public func updating(_ changes: [String: String?]) -> Environment {
        var copy = self
        for (key, value) in changes { copy.overrides[key] = .some(value) }
        return copy
    }

    /// The `KEY=VALUE` strings for `envp`, given the caller's variables.
    /// - Parameter current: the calling process's environment as `KEY=VALUE` strings.
    /// - Returns: the resolved environment, in the caller's order followed by new keys sorted by name.
    public func resolved(from current: [String]) -> [String] {
        var result: [String] = []
        var seen: Set<String> = []
        if base == .inherit {
            for entry in current {
                let key =
                    entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
                    ?? entry
                guard !seen.contains(key) else { continue }
                seen.insert(key)
                if let change = overrides[key] {
                    if let value = change { result.append(key + "=" + value) }
                } else {
                    result.append(entry)
                }
            }
        }
        for key in overrides.keys.sorted(by: Self.byteOrder) where !seen.contains(key) {
            if let value = overrides[key] ?? nil { result.append(key + "=" + value) }
        }
        return result
    }

    static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}

/// Quoting for a POSIX shell (`sh`), used only to *print* commands.
public enum ShellQuoting {
    /// A word as `sh` would read it back: unchanged if it has only safe characters, else in single
    /// quotes with each `'` written as `'\''`; the empty word is `''`.
    /// - Parameter word: the argument.
    /// - Returns: the quoted form.
    public static func quote(_ word: String) -> String {
        if word.isEmpty { return "''" }
        if word.utf8.allSatisfy(isSafe) { return word }
        var out = "'"
        for ch in word {
            if ch == "'" { out += "'\\''" } else { out.append(ch) }
        }
        return out + "'"
    }

    private static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"),
            UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: "@"), UInt8(ascii: "%"):
            return true
        default:
            return false
        }
    }
}
