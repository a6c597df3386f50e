import PVERuntime
import PVESystem
import PVETestSupport
import Testing

@testable import pve_guestsetup

/// `mount`, `unmount` and `storage format|check|path`: help, usage errors, refusals, output.
@Suite struct StorageCommandTests {
    struct Outcome {
        var code: Int32
        var out: String
        var err: String
    }

    func run(_ args: [String], runner: RecordingRunner = RecordingRunner()) -> Outcome {
        let captured = CapturedOutput()
        var console = captured.console
        let locks = TestFiles.makeTemporaryDirectory(prefix: "pve-cli-locks")  // tests run in parallel
        defer { TestFiles.removeTree(locks) }
        let code = RuntimeContext.$runner.withValue(runner) {
            StorageOptions.$verifiesBindMounts.withValue(false) {
                StorageOptions.$lockDirectory.withValue(locks) { CLI.run(args, console: &console) }
            }
        }
        return Outcome(code: code, out: captured.stdout, err: captured.stderr)
    }

    @Test(arguments: [["mount"], ["unmount"], ["storage"], ["storage", "format"], ["storage", "check"], ["storage", "path"]])
    func help(_ command: [String]) {
        let outcome = run(command + ["--help"])
        #expect(outcome.code == 0)
        #expect(outcome.out.hasPrefix("OVERVIEW: "))
    }

    @Test func usageErrors() {
        #expect(run(["mount"]).code == 64)
        #expect(run(["mount", "abc"]).err.contains("value does not look like a valid VM ID"))
        #expect(run(["mount", "100", "--bogus"]).code == 64)
        #expect(run(["unmount", "100", "--lxcpath", ""]).code == 64)
        #expect(run(["storage", "nope"]).code == 64)
        #expect(run(["storage"]).code == 64)
        #expect(run(["storage", "path"]).code == 64)
        #expect(run(["storage", "format", "a", "b"]).code == 64)
    }

    @Test func mountRefusals() throws {
        let root = TestFiles.makeTemporaryDirectory(prefix: "pve-cli-mount")
        defer { TestFiles.removeTree(root) }
        let outcome = run(["mount", "100", "--config-dir", root, "--storage-config", root + "/none.cfg", "--lxcpath", root])
        #expect(outcome.code == 1)
        #expect(outcome.err == "Configuration file '\(root)/100.conf' does not exist\n")
        _ = TestFiles.write(root + "/100.conf", Array("lock: backup\nrootfs: /srv\n".utf8))
        #expect(run(["mount", "100", "--config-dir", root]).err == "CT is locked (backup)\n")
        #expect(
            run(["unmount", "100", "--config-dir", root, "--lxcpath", root]).err
                == "found lock 'backup' trying to remove 'mounted' lock\n")
    }

    @Test func mountAndUnmountWithARecordingRunner() throws {
        let root = TestFiles.makeTemporaryDirectory(prefix: "pve-cli-mount")
        defer { TestFiles.removeTree(root) }
        try RootFS(path: "/").makeDirectories(root + "/share", mode: 0o755, owner: nil)
        _ = TestFiles.write(root + "/100.conf", Array("rootfs: \(root)/share\n".utf8))
        let runner = RecordingRunner()
        let options = ["--config-dir", root, "--storage-config", root + "/none.cfg", "--lxcpath", root + "/lxc"]
        let mounted = run(["mount", "100"] + options, runner: runner)
        #expect(mounted.code == 0)
        #expect(mounted.out == "mounted CT 100 in '\(root)/lxc/100/rootfs'\n")
        #expect(runner.argumentVectors == [["/usr/bin/mount", "-o", "bind", root + "/share", root + "/lxc/100/rootfs/"]])
        #expect(TestFiles.readString(root + "/100.conf") == "lock: mounted\nrootfs: \(root)/share\n")
        let unmounted = run(["unmount", "100"] + options, runner: runner)
        #expect(unmounted.code == 0)
        #expect(TestFiles.readString(root + "/100.conf") == "rootfs: \(root)/share\n")
    }

    @Test func storageFormatCheckAndPath() throws {
        let root = TestFiles.makeTemporaryDirectory(prefix: "pve-cli-storage")
        defer { TestFiles.removeTree(root) }
        let file = root + "/storage.cfg"
        _ = TestFiles.write(file, Array("dir: local\n\tpath /var/lib/vz\n\tcontent vztmpl,iso\n\tfoo 1\n".utf8))
        let formatted = run(["storage", "format", file])
        #expect(formatted.code == 0)
        #expect(formatted.out == "dir: local\n\tpath /var/lib/vz\n\tcontent iso,vztmpl\n\n")
        #expect(formatted.err == "\(file):4:2: error: section 'local': unable to parse value of 'foo': unknown property type\n")
        let checked = run(["storage", "check", file])
        #expect(checked.code == 1)
        #expect(checked.out == formatted.err)
        #expect(run(["storage", "check", root + "/missing.cfg"]).code == 0)
        let path = run(["storage", "path", "local:vztmpl/debian.tar.zst", "--storage-config", file])
        #expect(path.out == "/var/lib/vz/template/cache/debian.tar.zst\n")
        let bad = run(["storage", "path", "local:nonsense", "--storage-config", file])
        #expect(bad.code == 1)
        #expect(bad.err.hasSuffix("unable to parse directory volume name 'nonsense'\n"))
    }
}
