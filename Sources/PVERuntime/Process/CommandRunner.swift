/// Runs ``Command`` values. ``SpawnRunner`` runs real processes; tests substitute a recording fake
/// (`RecordingRunner` in PVETestSupport) to check exact argument vectors without running anything.
///
/// Proxmox: `PVE::Tools::run_command`.
///
///     let result = try runner.run(Command("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path]))
///     try result.checked()
public protocol CommandRunner: Sendable {
    /// Runs `command` to completion (or until its time limit) and reports how it ended.
    ///
    /// A non-zero exit is *not* an error here: inspect ``CommandResult/status`` or call
    /// ``CommandResult/checked()``.
    /// - Parameters:
    ///   - command: what to run.
    ///   - options: streams, time limit and teardown.
    /// - Returns: the termination status and captured output.
    /// - Throws: ``RuntimeError`` when the program could not be started (`.executableNotFound`,
    ///   `.spawnFailed`, `.invalidArgument`) or supervising it failed (`.systemCallFailed`).
    func run(_ command: Command, options: RunOptions) throws(RuntimeError) -> CommandResult
}

extension CommandRunner {
    /// Runs `command` with the default options: stdin from `/dev/null`, both outputs captured, no time limit.
    /// - Parameter command: what to run.
    /// - Returns: the termination status and captured output.
    /// - Throws: ``RuntimeError`` when the program could not be started.
    public func run(_ command: Command) throws(RuntimeError) -> CommandResult {
        try run(command, options: RunOptions())
    }
}
