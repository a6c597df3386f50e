import Glibc
import PVETestSupport
import Testing

@testable import pve_guestsetup

@Suite struct ApplyCommandTests {
    init() { setenv("SOURCE_DATE_EPOCH", "1700000000", 1) }

    func run(_ args: [String]) -> (Int32, String, String) {
        let captured = CapturedOutput()
        var console = captured.console
        let code = CLI.run(["apply"] + args, console: &console)
        return (code, captured.stdout, captured.stderr)
    }

    static let exampleConfig = Fixtures.path("example/100.conf")
    static let exampleRoot = Fixtures.path("example/rootfs")

    func copyExample() -> (work: String, root: String) {
        let work = TestFiles.makeTemporaryDirectory(prefix: "apply-cli")
        TreeCopy.copy(Self.exampleRoot, work + "/rootfs")
        return (work, work + "/rootfs")
    }

    @Test func help() {
        let (code, out, _) = run(["--help"])
        #expect(code == 0)
        for option in [
            "--config", "--rootfs", "--hook", "--root-password", "--ssh-key", "--host-resolv-conf", "--host-timezone", "--seed", "--dry-run", "--json",
        ] {
            #expect(out.contains(option), "\(option)")
        }
    }

    @Test(arguments: [
        ([String](), "Missing expected argument '--config <file>'"),
        (["--config", "x"], "Missing expected argument '--rootfs <dir>'"),
        (["--config", "x", "--rootfs", "y", "--hook", "pre-stop"], "The value 'pre-stop' is invalid for '--hook <hook>'"),
        (["--config", "x", "--rootfs", "y", "--seed", "-1"], "The value '-1' is invalid for '--seed <n>'"),
        (["--config", "x", "--rootfs", "y", "extra"], "Unexpected argument 'extra'"),
        (["--config", "x", "--rootfs", "y", "--frob"], "Unknown option '--frob'"),
    ])
    func usageErrors(_ args: [String], _ message: String) {
        let (code, _, err) = run(args)
        #expect(code == 64)
        #expect(err.contains(message), "\(err)")
    }

    @Test func unreadableConfig() {
        let (code, _, err) = run(["--config", "/nonexistent/100.conf", "--rootfs", Self.exampleRoot])
        #expect(code == 1)
        #expect(err.contains("/nonexistent/100.conf"))
    }

    @Test func rootfsNotADirectory() {
        let (code, _, err) = run(["--config", Self.exampleConfig, "--rootfs", Self.exampleConfig])
        #expect(code == 1)
        #expect(err.contains("is not a directory"))
    }

    @Test func unreadableHostResolvConf() {
        let (code, _, err) = run(["--config", Self.exampleConfig, "--rootfs", Self.exampleRoot, "--dry-run", "--host-resolv-conf", "/nonexistent"])
        #expect(code == 1)
        #expect(err.contains("/nonexistent"))
    }

    @Test func dryRunOnTheExamplePrintsADiffAndWritesNothing() {
        let before = TreeSnapshot(Self.exampleRoot)
        let (code, out, err) = run(["--dry-run", "--config", Self.exampleConfig, "--rootfs", Self.exampleRoot])
        #expect(code == 0, "\(err)")
        #expect(out.hasPrefix("diff --pve-guestsetup a/etc/hostname b/etc/hostname\n"))
        #expect(out.contains("+192.0.2.10 web01.example.com web01\n"))
        #expect(out.contains("new owner 100000:100000\n"))
        #expect(TreeSnapshot(Self.exampleRoot) == before)
    }

    @Test func applyThenNothingLeftToDo() {
        let (work, root) = copyExample()
        defer { TestFiles.removeTree(work) }
        let args = ["--config", Self.exampleConfig, "--rootfs", root]
        let (code, out, err) = run(args)
        #expect(code == 0, "\(err)")
        #expect(out.isEmpty)
        #expect(TestFiles.readString(root + "/etc/hostname") == "web01\n")
        let (code2, out2, _) = run(args + ["--dry-run"])
        #expect(code2 == 0)
        #expect(out2.isEmpty, "second run would change:\n\(out2)")
    }

    @Test func jsonReport() {
        let (code, out, err) = run(["--json", "--dry-run", "--config", Self.exampleConfig, "--rootfs", Self.exampleRoot])
        #expect(code == 0, "\(err)")
        #expect(out.hasPrefix("{\n"))
        #expect(out.contains("\"hook\": \"pre-start\""))
        #expect(out.contains("\"ostype\": \"debian\""))
        #expect(out.contains("\"dry_run\": true"))
        #expect(out.contains("\"path\": \"/etc/hosts\""))
        #expect(out.contains("\"marker block\""))
        #expect(out.contains("\"owner\": \"100000:100000\""))
    }

    @Test func errorNamesFileAndReasonAndLeavesTreeAlone() {
        let (work, root) = copyExample()
        defer { TestFiles.removeTree(work) }
        TestFiles.removeTree(root + "/etc/hostname")
        mkdir(root + "/etc/hostname", 0o755)
        let before = TreeSnapshot(root)
        let (code, _, err) = run(["--config", Self.exampleConfig, "--rootfs", root])
        #expect(code == 1)
        #expect(err.contains("close (rename) atomic file '/etc/hostname' failed: Is a directory"), "\(err)")
        #expect(err.contains("error in setup task set_hostname"))
        #expect(TreeSnapshot(root) == before)
    }

    @Test func detectionFailure() {
        let work = TestFiles.makeTemporaryDirectory(prefix: "apply-cli")
        defer { TestFiles.removeTree(work) }
        mkdir(work + "/etc", 0o755)
        TestFiles.write(work + "/etc/os-release", Array("ID=plan9\n".utf8))
        TestFiles.write(work + "/100.conf", Array("hostname: x\n".utf8))
        let (code, _, err) = run(["--config", work + "/100.conf", "--rootfs", work])
        #expect(code == 1)
        #expect(err.contains("unable to detect OS distribution"))
    }

    @Test func postCreateWithClearTextPasswordAndSeed() {
        let (work, root) = copyExample()
        defer { TestFiles.removeTree(work) }
        TestFiles.write(root + "/etc/crontab", Array("17 * * * * root run-parts /etc/cron.hourly\n".utf8))
        let (code, _, err) = run([
            "--config", Self.exampleConfig, "--rootfs", root, "--hook", "post-create", "--root-password", "secret", "--seed", "0",
            "--ssh-key", "ssh-ed25519 AAAA one", "--ssh-key", "ssh-ed25519 BBBB two",
        ])
        #expect(code == 0, "\(err)")
        #expect(TestFiles.readString(root + "/etc/crontab") == "10 * * * * root run-parts /etc/cron.hourly\n")
        #expect(TestFiles.readString(root + "/etc/shadow")?.hasPrefix("root:$6$6qqK3pQh$") == true)
        #expect(TestFiles.readString(root + "/etc/shadow")?.hasSuffix(":19675:0:99999:7:::\n") == true)
        #expect(
            TestFiles.readString(root + "/root/.ssh/authorized_keys") == "# --- BEGIN PVE ---\nssh-ed25519 AAAA one\nssh-ed25519 BBBB two\n# --- END PVE ---\n")
    }
}
