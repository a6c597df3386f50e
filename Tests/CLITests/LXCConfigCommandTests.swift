import PVEConfig
import PVETestSupport
import Testing

@testable import pve_guestsetup

@Suite struct LXCConfigCommandTests {
    func run(_ args: [String]) -> (Int32, String, String) {
        let captured = CapturedOutput()
        var console = captured.console
        let code = CLI.run(args, console: &console)
        return (code, captured.stdout, captured.stderr)
    }

    static let casesDir = Fixtures.path("lxc-config/cases")
    static let cases = TestFiles.list(casesDir)

    /// A copy of a case's host facts with the relative `lxcConfigDir` made absolute (the oracle
    /// ran inside the case directory).
    func factsFile(for dir: String, in tmp: String) -> String {
        let text = TestFiles.readString(dir + "/host-facts.json") ?? "{}"
        let absolute = text.replacing("\"../../", with: "\"\(Fixtures.path("lxc-config"))/")
        let path = tmp + "/host-facts.json"
        TestFiles.write(path, Array(absolute.utf8))
        return path
    }

    @Test func thereAreCases() {
        #expect(Self.cases.count >= 60)
    }

    /// Each case: `<vmid>.conf`, `host-facts.json`, `seed`, and what Proxmox's Perl printed for
    /// `--all-files` (`expected.out`), on stderr (`expected.err`) and its status (`expected.status`).
    @Test(arguments: cases)
    func fixture(_ name: String) throws {
        let dir = Self.casesDir + "/" + name
        let conf = TestFiles.list(dir).first { $0.hasSuffix(".conf") } ?? "missing.conf"
        let tmp = TestFiles.makeTemporaryDirectory(prefix: "lxc-config")
        defer { TestFiles.removeTree(tmp) }
        let seed = (TestFiles.readString(dir + "/seed") ?? "1").split(separator: "\n").first.map(String.init) ?? "1"
        let (code, out, err) = run([
            "lxc-config", dir + "/" + conf, "--all-files", "--seed", seed, "--host-facts", factsFile(for: dir, in: tmp),
        ])
        let expectedStatus = Int32((TestFiles.readString(dir + "/expected.status") ?? "").split(separator: "\n").first ?? "") ?? -1
        let expectedOut = TestFiles.readString(dir + "/expected.out") ?? "<missing>"
        let expectedErr = TestFiles.readString(dir + "/expected.err") ?? "<missing>"
        #expect(code == expectedStatus)
        #expect(out == expectedOut)
        // Our stderr: the reader's warnings (in our format), then the generator's warnings and
        // Proxmox's message, which must end Proxmox's stderr exactly.
        let vmid = String(conf.dropLast(5))
        let loaded = try ConfigCommand.load(dir + "/" + conf, vmid: vmid, digest: false)
        let readerLines = ConfigCommand.proxmoxWarningLines(loaded.result.diagnostics).joined()
        #expect(err.hasPrefix(readerLines))
        let ours = String(err.dropFirst(readerLines.count))
        #expect(expectedErr.hasSuffix(ours), "ours: \(ours)")
        if code != 0 { #expect(!ours.isEmpty) }
        if readerLines.isEmpty && !expectedErr.contains("Use of uninitialized") { #expect(ours == expectedErr) }
    }

    func writeCase(_ conf: String, name: String = "100.conf", facts: String? = nil) -> (dir: String, conf: String, facts: String) {
        let tmp = TestFiles.makeTemporaryDirectory(prefix: "lxc-config")
        TestFiles.write(tmp + "/" + name, Array(conf.utf8))
        let factsText =
            facts
                ?? """
                {"lxcVersion": "6.0.5", "cgroupV1Controllers": [], "cgroupV2Controllers": ["cpuset", "cpu", "memory"],
                 "cpus": "0-7", "bridgeMTU": {"vmbr0": 1500}, "lxcConfigDir": "\(Fixtures.path("lxc-config/lxc-config-dir"))",
                 "kernelRelease": "6.8.12-4-pve"}
                """
        TestFiles.write(tmp + "/facts.json", Array(factsText.utf8))
        return (tmp, tmp + "/" + name, tmp + "/facts.json")
    }

    let basic = "arch: amd64\nostype: debian\nrootfs: local:100/x.raw\nunprivileged: 1\n"

    @Test func vmidFromOptionThenFileNameThenDefault() {
        let c = writeCase(basic, name: "4711.conf")
        defer { TestFiles.removeTree(c.dir) }
        var (code, out, _) = run(["lxc-config", c.conf, "--host-facts", c.facts])
        #expect(code == 0)
        #expect(out.contains("lxc.cgroup.dir.container = lxc/4711\n"))
        (code, out, _) = run(["lxc-config", c.conf, "--vmid", "55", "--host-facts", c.facts])
        #expect(out.contains("lxc.cgroup.dir.container = lxc/55\n"))
        #expect(out.contains("lxc.rootfs.path = /var/lib/lxc/55/rootfs\n"))
        let other = writeCase(basic, name: "ct.conf")
        defer { TestFiles.removeTree(other.dir) }
        (code, out, _) = run(["lxc-config", other.conf, "--host-facts", other.facts])
        #expect(out.contains("lxc.uts.name = CT100\n"))
    }

    @Test func allFilesInNameOrderWithHeaders() {
        let c = writeCase(basic, name: "101.conf")
        defer { TestFiles.removeTree(c.dir) }
        let (code, out, err) = run(["lxc-config", c.conf, "--all-files", "--host-facts", c.facts])
        #expect(code == 0)
        #expect(err.isEmpty)
        #expect(out.hasPrefix("==> /var/lib/lxc/101/config <==\nlxc.cgroup.relative = 0\n"))
        #expect(out.contains("lxc.rootfs.path = /var/lib/lxc/101/rootfs\n==> /var/lib/lxc/101/rules.seccomp <==\n2\ndenylist\n"))
        let (_, plain, _) = run(["lxc-config", c.conf, "--host-facts", c.facts])
        #expect(!plain.contains("==>"))
        #expect(!plain.contains("denylist"))
    }

    /// `--json`: every file as text (the same bytes `--all-files` prints), the warnings as strings
    /// (not on stderr); the plain output stays as it is.
    @Test func jsonHasEveryFileAndTheWarnings() throws {
        let c = writeCase(basic + "features: fuse=1,nesting=1\nlxc.apparmor.profile: unconfined\n", name: "101.conf")
        defer { TestFiles.removeTree(c.dir) }
        let base = ["lxc-config", c.conf, "--seed", "1", "--host-facts", c.facts]
        let (code, out, err) = run(base + ["--json"])
        #expect(code == 0)
        #expect(err.isEmpty)
        let value = try TestJSON.parse(out)
        #expect(value["vmid"] == .string("101"))
        func text(_ name: String) -> String {
            if case .string(let s) = value["files"]?[name] { return s }
            return "<missing \(name)>"
        }
        let (_, plain, warnings) = run(base)
        #expect(text("config") == plain)
        let (_, all, _) = run(base + ["--all-files"])
        #expect(
            all == "==> /var/lib/lxc/101/config <==\n" + text("config") + "==> /var/lib/lxc/101/rules.seccomp <==\n" + text("rules.seccomp"))
        #expect(warnings.hasPrefix("explicitly configured lxc.apparmor.profile overrides the following settings: "))
        #expect(value["warnings"] == .array([.string(warnings)]))
    }

    @Test func templatePrintsNothing() {
        let c = writeCase(basic + "template: 1\n")
        defer { TestFiles.removeTree(c.dir) }
        for extra in [[], ["--all-files"]] {
            let (code, out, err) = run(["lxc-config", c.conf, "--host-facts", c.facts] + extra)
            #expect(code == 0)
            #expect(out.isEmpty)
            #expect(err.isEmpty)
        }
    }

    @Test func refusalPrintsProxmoxsMessageAndExits1() {
        let c = writeCase(basic + "net0: name=eth0,bridge=vmbr5\n")
        defer { TestFiles.removeTree(c.dir) }
        let (code, out, err) = run(["lxc-config", c.conf, "--host-facts", c.facts])
        #expect(code == 1)
        #expect(out.isEmpty)
        #expect(err == "bridge 'vmbr5' does not exist\n")
    }

    @Test func readerWarningsGoToStderr() {
        let c = writeCase(basic + "memory: lots\n")
        defer { TestFiles.removeTree(c.dir) }
        let (code, out, err) = run(["lxc-config", c.conf, "--host-facts", c.facts])
        #expect(code == 0)
        #expect(err.contains("warning: vm 100 - unable to parse value of 'memory'"))
        #expect(out.contains("lxc.cgroup2.memory.max = 0\n"))
    }

    @Test func seedDecidesTheCorePick() {
        let c = writeCase(basic + "cores: 2\n")
        defer { TestFiles.removeTree(c.dir) }
        let picks = Set(
            (0..<12).map { seed in
                run(["lxc-config", c.conf, "--seed", "\(seed)", "--host-facts", c.facts]).1
            })
        #expect(picks.count > 3)
        let (_, a, _) = run(["lxc-config", c.conf, "--seed", "5", "--host-facts", c.facts])
        let (_, b, _) = run(["lxc-config", c.conf, "--seed=5", "--host-facts", c.facts])
        #expect(a == b)
    }

    @Test(arguments: [
        ["lxc-config"], ["lxc-config", "a.conf", "b.conf"], ["lxc-config", "a.conf", "--seed", "x"],
        ["lxc-config", "a.conf", "--vmid", "abc"], ["lxc-config", "a.conf", "--bogus"], ["host-facts", "extra"],
    ])
    func usageErrorsExit64(_ args: [String]) {
        let (code, out, err) = run(args)
        #expect(code == 64)
        #expect(out.isEmpty)
        #expect(err.hasPrefix("Error: "))
        #expect(err.contains("Usage: pve-guestsetup \(args[0])"))
    }

    @Test func unreadableInputsExit1() {
        let good = writeCase(basic)
        defer { TestFiles.removeTree(good.dir) }
        var (code, _, err) = run(["lxc-config", good.dir + "/nope.conf", "--host-facts", good.facts])
        #expect(code == 1)
        #expect(err.contains("nope.conf"))
        let c = writeCase(basic, facts: "{\"lxcVersion\": 6}")
        defer { TestFiles.removeTree(c.dir) }
        (code, _, err) = run(["lxc-config", c.conf, "--host-facts", c.facts])
        #expect(code == 1)
        #expect(err.contains("invalid host facts"))
        (code, _, err) = run(["lxc-config", c.conf, "--host-facts", c.dir + "/none.json"])
        #expect(code == 1)
        #expect(err.contains("none.json"))
    }

    @Test func help() {
        for command in ["lxc-config", "host-facts"] {
            let (code, out, _) = run([command, "--help"])
            #expect(code == 0)
            #expect(out.contains("USAGE: pve-guestsetup \(command)"))
        }
    }

    @Test func hostFactsPrintsTheDocumentedKeys() {
        let (code, out, err) = run(["host-facts"])
        #expect(code == 0)
        #expect(err.isEmpty)
        var last = out.startIndex
        for key in ["lxcVersion", "cgroupV1Controllers", "cgroupV2Controllers", "cpus", "bridgeMTU", "lxcConfigDir", "kernelRelease"] {
            guard let r = out.firstRange(of: "\"\(key)\": ") else {
                Issue.record("missing \(key)")
                continue
            }
            #expect(r.lowerBound >= last, "\(key) out of order")
            last = r.lowerBound
        }
        #expect(out.contains("\"lxcConfigDir\": \"/usr/share/lxc/config\""))
    }

    /// What `host-facts` prints reads back through `--host-facts` and gives the same config as
    /// the live host.
    @Test func hostFactsRoundTrip() {
        let (_, facts, _) = run(["host-facts"])
        let c = writeCase(basic + "net0: name=eth0,bridge=lo,hwaddr=02:00:00:00:00:01\ncores: 1\n", facts: facts)
        defer { TestFiles.removeTree(c.dir) }
        let live = run(["lxc-config", c.conf, "--seed", "3"])
        let given = run(["lxc-config", c.conf, "--seed", "3", "--host-facts", c.facts])
        #expect(live.0 == given.0)
        #expect(live.1 == given.1)
        #expect(live.2 == given.2)
    }
}
