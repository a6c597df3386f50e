import Glibc
public import PVERuntime

/// Runs the built `pve-guestsetup` binary as a separate process (for what an in-process run
/// cannot show: memory limits, several processes at once, hangs). The binary is the one
/// `swift build` put next to the test bundle.
public enum CLIProcess {
    /// The `pve-guestsetup` executable beside the running test bundle, if built
    /// (`PVE_GUESTSETUP_BINARY` names another one, e.g. an older build to show a test failing).
    public static var binary: String? {
        if let other = getenv("PVE_GUESTSETUP_BINARY") { return String(cString: other) }
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink("/proc/self/exe", &buffer, 4096)
        var candidates: [String] = []
        if n > 0 {
            let exe = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            candidates.append(parent(exe) + "/pve-guestsetup")
        }
        if let first = CommandLine.arguments.first { candidates.append(parent(first) + "/pve-guestsetup") }
        for candidate in candidates where access(candidate, X_OK) == 0 { return candidate }
        return nil
    }

    private static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        var dir = String(path[..<slash])
        // Inside an `.xctest` bundle directory the binary sits one level up.
        while dir.hasSuffix(".xctest") || dir.hasSuffix("/Contents/MacOS") || dir.hasSuffix(".xctest/Contents") {
            guard let s = dir.lastIndex(of: "/") else { break }
            dir = String(dir[..<s])
        }
        return dir
    }

    /// The outcome of one run.
    public struct Outcome: Sendable {
        /// Exit status or signal.
        public var status: TerminationStatus
        /// Standard output (first MiB).
        public var stdout: String
        /// Standard error (last MiB).
        public var stderr: String
    }

    /// Runs the CLI with `arguments`; with `addressSpaceLimit`, under `prlimit --as=<bytes>` (the
    /// process cannot map more memory than that: an unbounded read aborts it). Killed after `timeout`.
    public static func run(
        _ arguments: [String], addressSpaceLimit: Int? = nil, environment: [String: String] = [:],
        timeout: Duration = .seconds(120)
    ) throws(RuntimeError) -> Outcome {
        guard let binary else {
            throw RuntimeError(.executableNotFound, "pve-guestsetup binary not built (run swift build)")
        }
        var command: Command
        if let addressSpaceLimit {
            command = Command("/usr/bin/prlimit", ["--as=\(addressSpaceLimit)", binary] + arguments)
        } else {
            command = Command(binary, arguments)
        }
        command.environment = Environment.inherit.updating(environment.mapValues { Optional($0) })
        let result = try SpawnRunner().run(command, options: RunOptions(timeout: timeout))
        return Outcome(
            status: result.status, stdout: String(decoding: result.standardOutput, as: UTF8.self),
            stderr: String(decoding: result.standardError, as: UTF8.self))
    }
}
