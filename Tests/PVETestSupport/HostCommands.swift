import Glibc
public import PVERuntime

/// Host commands tests need (copying trees, mounting a small tmpfs), run without a shell.
public enum HostCommands {
    /// Runs `executable` with `arguments`; the exit status and standard error.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) -> (status: TerminationStatus?, stderr: String) {
        do {
            let result = try SpawnRunner().run(Command(executable, arguments), options: RunOptions(timeout: .seconds(60)))
            return (result.status, String(decoding: result.standardError, as: UTF8.self))
        } catch {
            return (nil, error.description)
        }
    }

    /// Mounts a tmpfs of `size` (e.g. `4m`) at `directory`; `false` when that is not possible
    /// (not root, no mount permission in this container).
    public static func mountTmpfs(_ directory: String, size: String) -> Bool {
        run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", directory]).status == .exited(0)
    }

    /// Unmounts `directory`.
    public static func unmount(_ directory: String) { run("/bin/umount", [directory]) }

    /// Whether this process can mount a tmpfs (checked once, by mounting one).
    public static let canMountTmpfs: Bool = {
        guard geteuid() == 0 else { return false }
        let dir = TestFiles.makeTemporaryDirectory(prefix: "pve-tmpfs-probe")
        defer { TestFiles.removeTree(dir) }
        guard mountTmpfs(dir, size: "1m") else { return false }
        unmount(dir)
        return true
    }()
}
