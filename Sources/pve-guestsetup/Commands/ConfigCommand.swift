import PVEConfig
import PVECore

enum ConfigCommand: CLICommand {
    static let subcommands: [any CLICommand.Type] = [
        ConfigFormatCommand.self,
        ConfigCheckCommand.self,
        ConfigGetCommand.self,
        ConfigSetCommand.self,
        ConfigJSONCommand.self,
        ConfigSnapshotCommand.self,
        ConfigShowCommand.self,
    ]

    static let spec = CommandSpec(
        name: "config",
        abstract: "Read, check, edit and snapshot container config files.",
        usage: "config <subcommand>"
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        // pct's 'config <vmid>' is 'config show <vmid>'.
        if let first = args.first, first.first.map({ $0 >= "0" && $0 <= "9" }) == true {
            return CLI.invoke(ConfigShowCommand.self, args, console: &console)
        }
        return try runSubcommand(args, console: &console)
    }

    /// The VMID for messages and the config lock: from a `<vmid>.conf` file name (a valid
    /// `pve-vmid` only), else `--vmid` (checked by `checkedVMID(_:)`), else 100.
    static func vmid(for path: String, option: String?) -> String {
        // The file name is `<digits>.conf`: walk back over `.conf` and the digits to a `/` or the start.
        var path = path
        let stem: String? = path.withUTF8 { u in
            guard u.count > 5, Bytes.equals(UnsafeBufferPointer(rebasing: u[(u.count - 5)...]), ".conf") else { return nil }
            let stemEnd = u.count - 5
            var i = stemEnd
            while i > 0, stemEnd - i <= 9, u[i - 1] >= 0x30 && u[i - 1] <= 0x39 { i -= 1 }
            guard i < stemEnd, i == 0 || u[i - 1] == UInt8(ascii: "/") else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: u[i..<stemEnd]), as: UTF8.self)
        }
        if let stem, VMID.isValid(stem) { return stem }
        return option ?? "100"
    }

    /// Config keys offered by the completion: the schema's plain keys and the first ten of each
    /// numbered kind (netN, mpN, devN, unusedN).
    static let completionKeys: [String] =
        ConfigSchema.plainKeys.map(\.name)
        + ["net", "mp", "dev", "unused"].flatMap { kind in (0..<10).map { "\(kind)\($0)" } }

    static let jsonOption = OptionSpec.flag("--json", help: "Print one JSON object (fields below).")

    /// A diagnostic as `--json` prints it.
    static func diagnosticJSON(_ d: ConfigDiagnostic) -> JSON {
        .object([
            ("severity", .string(d.refusesFile ? "error" : "warning")),
            ("line", .int(d.line)), ("column", .int(d.column)), ("message", .string(d.message)),
        ])
    }

    /// The `--vmid` value, checked as Proxmox's `pve-vmid` (100-999999999).
    static func checkedVMID(_ parsed: ParsedArguments) throws(UsageError) -> String? {
        guard let value = parsed.value("--vmid") else { return nil }
        return try VMID.check(value, argument: "--vmid <vmid>")
    }

    static let vmidOption = OptionSpec.value("--vmid", valueName: "vmid", help: "VMID for messages when the file name is not <vmid>.conf (default 100).")

    /// Reads and leniently parses a file; prints nothing.
    static func load(_ path: String, vmid: String, digest: Bool = true) throws -> (bytes: [UInt8], result: ConfigReadResult) {
        let bytes: [UInt8]
        do {
            bytes = try ConfigFileIO.read(path)
        } catch {
            throw CommandFailure(error.description)
        }
        do {
            let zones = ConfigFileIO.hostTimeZones
            return (bytes, try ConfigReader.read(bytes, file: path, vmid: vmid, isKnownZone: zones, digest: digest))
        } catch {
            throw CommandFailure(error.description)
        }
    }

    /// The section chosen by `--snapshot NAME` / `--pending` (main by default).
    static func section(_ parsed: ParsedArguments) throws(UsageError) -> ConfigSectionID {
        if let name = parsed.value("--snapshot") {
            if parsed.flag("--pending") { throw UsageError("--snapshot and --pending exclude each other") }
            return .snapshot(name)
        }
        return parsed.flag("--pending") ? .pending : .main
    }

    /// Atomically replaces a file, as a command failure on error.
    static func replace(_ path: String, with bytes: [UInt8]) throws {
        do {
            try ConfigFileIO.replace(path, with: bytes)
        } catch {
            throw CommandFailure(error.description)
        }
    }

    /// Prints the diagnostics Proxmox itself prints (errors and warnings) as `FILE:LINE: warning: …`.
    static func printProxmoxWarnings(_ diagnostics: [ConfigDiagnostic], console: inout Console) {
        for line in proxmoxWarningLines(diagnostics) { console.err(line) }
    }

    /// The lines Proxmox's lenient reader warns with (errors and warnings, not notices).
    static func proxmoxWarningLines(_ diagnostics: [ConfigDiagnostic]) -> [String] {
        diagnostics.filter { $0.kind == .error || $0.kind == .warning }.map { $0.warningLine + "\n" }
    }
}

enum ConfigFormatCommand: CLICommand {
    static let spec = CommandSpec(
        name: "config format",
        abstract: "Print the Proxmox canonical form of config files.",
        usage: "config format <file>... [--vmid <vmid>] [--jobs <n>] [--json]",
        discussion: """
            Reads each file as Proxmox does (problems become warnings on stderr) and prints what
            Proxmox's writer would write, in argument order. Exits 1 only where Proxmox's writer
            itself refuses. Many files are read on all processors; the output is the same as
            with --jobs 1. On a terminal, a counter on stderr shows the progress over many files.
            """,
        arguments: [("file", "Config files (<vmid>.conf).")],
        options: [
            ConfigCommand.vmidOption,
            .value("--jobs", valueName: "n", help: "Files read at once (default: the number of processors)."),
            ConfigCommand.jsonOption,
        ],
        examples: [
            ("config format /etc/pve/lxc/100.conf", "Proxmox's canonical form of one config."),
            ("config format /etc/pve/lxc/*.conf > all.txt", "Many files, with progress on the terminal."),
        ],
        jsonFields: [
            ("files", "One object per file, in argument order."),
            ("files[].file", "The path as given."),
            ("files[].canonical", "Proxmox's canonical form, or null when it cannot be written."),
            ("files[].warnings", "The warnings Proxmox prints for the file (FILE:LINE: warning: ...)."),
            ("files[].error", "Why the file could not be read or written, or null."),
        ]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        guard !parsed.positionals.isEmpty else { throw UsageError("Missing expected argument '<file>'") }
        let jobs = try parsed.int("--jobs") ?? OrderedParallel.processorCount
        guard jobs >= 1 else { throw UsageError("The value '\(jobs)' is invalid for '--jobs <n>'") }
        let vmid = try ConfigCommand.checkedVMID(parsed)
        if parsed.flag("--json") { return formatJSON(parsed.positionals, vmid: vmid, jobs: jobs, console: &console) }
        return format(parsed.positionals, vmid: vmid, jobs: jobs, console: &console)
    }

    /// `--json`: every file's outcome in one object.
    static func formatJSON(_ paths: [String], vmid: String?, jobs: Int, console: inout Console) -> Int32 {
        var status: Int32 = 0
        var files: [JSON] = []
        var progress = Progress("config format", total: paths.count, console: console)
        let work: @Sendable (Int) -> Outcome = { outcome(of: paths[$0], vmid: vmid) }
        OrderedParallel.forEach(count: paths.count, threads: jobs, work: work) { i, result in
            if result.failure != nil { status = 1 }
            var error = result.failure
            while error?.hasSuffix("\n") == true { error?.removeLast() }
            files.append(
                .object([
                    ("file", .string(paths[i])),
                    ("canonical", result.failure == nil ? .string(String(decoding: result.output, as: UTF8.self)) : .null),
                    ("warnings", .array(result.warnings.map { .string($0.hasSuffix("\n") ? String($0.dropLast()) : $0) })),
                    ("error", error.map { .string($0) } ?? .null),
                ]))
            progress.update(i + 1, console: &console)
        }
        progress.clear(console: &console)
        console.out(JSON.object([("files", .array(files))]).rendered())
        return status
    }

    /// What formatting one file gives: the warning lines, then either the canonical bytes or
    /// the message of a failure.
    struct Outcome: Sendable {
        var warnings: [String] = []
        var output: [UInt8] = []
        var failure: String? = nil
    }

    static func outcome(of path: String, vmid option: String?) -> Outcome {
        let vmid = ConfigCommand.vmid(for: path, option: option)
        let loaded: (bytes: [UInt8], result: ConfigReadResult)
        do {
            loaded = try ConfigCommand.load(path, vmid: vmid, digest: false)
        } catch let failure as CommandFailure {
            return Outcome(failure: failure.message + "\n")
        } catch {
            return Outcome(failure: "\(error)\n")
        }
        var result = Outcome(warnings: ConfigCommand.proxmoxWarningLines(loaded.result.diagnostics))
        // The canonical text is about as long as the file.
        result.output.reserveCapacity(loaded.bytes.count + loaded.bytes.count / 8 + 64)
        do {
            try ConfigWriter.write(loaded.result.config, into: &result.output)
        } catch {
            result.failure = "\(path): error: \(error.message)\n"
        }
        return result
    }

    /// Formats `paths` on `jobs` threads, printing in argument order; returns the exit status.
    static func format(_ paths: [String], vmid: String?, jobs: Int, console: inout Console) -> Int32 {
        var status: Int32 = 0
        var out: [UInt8] = []
        var progress = Progress("config format", total: paths.count, console: console)
        // swift-format-ignore: OnlyOneTrailingClosureArgument
        OrderedParallel.forEach(count: paths.count, threads: jobs, work: { outcome(of: paths[$0], vmid: vmid) }) { i, result in
            defer { progress.update(i + 1, console: &console) }
            if !result.warnings.isEmpty || result.failure != nil { progress.clear(console: &console) }
            for warning in result.warnings { console.err(warning) }
            if let failure = result.failure {
                if !out.isEmpty { console.writeOutBytes(out); out.removeAll(keepingCapacity: true) }
                console.err(failure)
                status = 1
                return
            }
            out.append(contentsOf: result.output)
            if out.count > 1 << 20 {
                progress.clear(console: &console)
                console.writeOutBytes(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        progress.clear(console: &console)
        if !out.isEmpty { console.writeOutBytes(out) }
        return status
    }
}
