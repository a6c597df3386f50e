import PVERuntime

/// What the runtime commands (`start`, `stop`, `status`, `enter`, `exec`) share: how they reach the LXC
/// tools, the common options, and how library errors become CLI errors.
enum RuntimeContext {
    /// The runner for the LXC tools; tests bind a recording fake with `RuntimeContext.$runner.withValue`.
    @TaskLocal static var runner: any CommandRunner = SpawnRunner()
    /// The directory holding the `lxc-*` tools.
    @TaskLocal static var toolDirectory: String = "/usr/bin"

    /// `--print-command` and `--lxcpath <dir>`, accepted by every runtime command.
    static let commonOptions: [OptionSpec] = [
        .flag("--print-command", help: "Print the LXC command line instead of running it."),
        .value("--lxcpath", valueName: "dir", help: "Use this container directory instead of /var/lib/lxc."),
        .value("--config-dir", valueName: "dir", help: "Directory of <vmid>.conf files (default /etc/pve/lxc)."),
        .value("--storage-config", valueName: "file", help: "Storage configuration (default /etc/pve/storage.cfg)."),
    ]

    static let ctidArgument = (label: "ctid", help: "The container ID (100-999999999).")

    /// The adapter for this invocation (honours `--lxcpath`).
    static func lxc(_ parsed: ParsedArguments) throws(UsageError) -> LXC {
        let path = parsed.value("--lxcpath")
        if let path, path.isEmpty { throw UsageError("The value '' is invalid for '--lxcpath <dir>'") }
        return LXC(runner: runner, toolDirectory: toolDirectory, lxcPath: path)
    }

    /// The one positional `<ctid>`, checked like Proxmox's `pve-vmid` format (`^[1-9][0-9]{2,8}$`).
    static func ctid(_ parsed: ParsedArguments) throws(UsageError) -> String {
        try VMID.check(parsed.requirePositionals(["ctid"])[0], argument: "<ctid>")
    }

    /// Runs `body`, turning a `RuntimeError` into a usage error (bad values) or a reported failure (exit 1).
    static func mapErrors<T>(_ body: () throws(RuntimeError) -> T) throws -> T {
        do throws(RuntimeError) {
            return try body()
        } catch {
            if error.code == .invalidArgument { throw UsageError(error.message) }
            throw CommandFailure(error.description, exitCode: 1)
        }
    }
}
