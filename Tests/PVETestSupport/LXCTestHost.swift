import Glibc
public import PVERuntime

/// Whether this machine can run real LXC containers for integration tests, and a throw-away busybox
/// container under a private lxcpath for them.
public enum LXCTestHost {
    /// The tools the integration tests use.
    public static let tools = [
        "lxc-create", "lxc-destroy", "lxc-start", "lxc-stop", "lxc-info", "lxc-wait", "lxc-attach",
    ]

    /// Root, the LXC tools in /usr/bin, the busybox template and a static busybox.
    public static let isAvailable: Bool = unavailableReason == nil

    /// Why integration tests are skipped here, or nil when they can run.
    public static let unavailableReason: String? = {
        if getuid() != 0 { return "not running as root" }
        for tool in tools where access("/usr/bin/" + tool, X_OK) != 0 {
            return "/usr/bin/\(tool) is missing (apt-get install lxc busybox-static)"
        }
        if access("/usr/share/lxc/templates/lxc-busybox", X_OK) != 0 {
            return "the LXC busybox template is missing (apt-get install lxc)"
        }
        if access("/bin/busybox", X_OK) != 0 { return "busybox is missing (apt-get install busybox-static)" }
        return nil
    }()

    /// A fresh numeric container name (CTID) in 900000000…999999999, unlikely to clash with anything.
    public static func freshName() -> String {
        String(Int.random(in: 900_000_000...999_999_999))
    }

    /// Creates a busybox container (network type `empty`) under a new private lxcpath, runs `body` with an
    /// `LXC` adapter bound to that lxcpath and the container's name, then kills and destroys the container
    /// and removes the lxcpath, whatever `body` did.
    /// - Parameters:
    ///   - body: the test.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws, or `RuntimeError` if the container cannot be created.
    public static func withContainer<T>(_ body: (LXC, String) async throws -> T) async throws -> T {
        let lxcPath = TestFiles.makeTemporaryDirectory(prefix: "pve-lxc")
        let name = freshName()
        let runner = SpawnRunner()
        defer {
            _ = try? runner.run(
                Command("/usr/bin/lxc-stop", ["-n", name, "-P", lxcPath, "--kill"]),
                options: RunOptions(timeout: .seconds(30)))
            _ = try? runner.run(
                Command("/usr/bin/lxc-destroy", ["-n", name, "-P", lxcPath]), options: RunOptions(timeout: .seconds(60))
            )
            TestFiles.removeTree(lxcPath)
        }
        let config = lxcPath + "/net-empty.conf"
        guard TestFiles.write(config, Array("lxc.net.0.type = empty\n".utf8)) else {
            throw RuntimeError(.systemCallFailed, "cannot write \(config)")
        }
        try runner.run(
            Command("/usr/bin/lxc-create", ["-n", name, "-P", lxcPath, "-t", "busybox", "-f", config]),
            options: RunOptions(timeout: .seconds(120))
        ).checked()
        return try await body(LXC(lxcPath: lxcPath), name)
    }
}
