import Glibc
import PVETestSupport
import Testing

@testable import pve_guestsetup

@Suite("config command")
struct ConfigCommandTests {
    func run(_ args: [String]) -> (Int32, String, String) {
        let captured = CapturedOutput()
        var console = captured.console
        let code = CLI.run(args, console: &console)
        return (code, captured.stdout, captured.stderr)
    }

    /// A temporary directory with `<vmid>.conf` holding `text`.
    func withConfig(_ text: String, vmid: String = "101", _ body: (String) throws -> Void) rethrows {
        let dir = TestFiles.makeTemporaryDirectory(prefix: "pve-config-cli")
        defer { TestFiles.removeTree(dir) }
        let path = "\(dir)/\(vmid).conf"
        TestFiles.write(path, Array(text.utf8))
        try body(path)
    }

    @Test(arguments: ["format", "check", "get", "set", "json", "snapshot"])
    func subcommandHelp(_ name: String) {
        let (code, out, _) = run(["config", name, "--help"])
        #expect(code == 0)
        #expect(out.contains("USAGE: pve-guestsetup config \(name)"))
    }

    @Test func unknownSubcommand() {
        let (code, _, err) = run(["config", "frob"])
        #expect(code == 64)
        #expect(err.contains("Unknown subcommand 'frob'"))
    }

    @Test func formatPrintsCanonicalFormAndWarnings() {
        withConfig("onboot: yes\nfoo: bar\nlxc.aa_profile = x\narch: amd64\n") { path in
            let (code, out, err) = run(["config", "format", path, path])
            #expect(code == 0)
            let one = "arch: amd64\nfoo: bar\nonboot: 1\nlxc.aa_profile: x\n"
            #expect(out == one + one)
            #expect(err.contains("\(path):2: warning: vm 101 - unable to parse value of 'foo' - unknown setting 'foo'\n"))
            #expect(err.contains("\(path):3: warning: vm 101 - lxc.aa_profile is deprecated and was renamed to lxc.apparmor.profile\n"))
        }
    }

    @Test func formatVmidFromOption() {
        let dir = TestFiles.makeTemporaryDirectory(prefix: "pve-config-cli")
        defer { TestFiles.removeTree(dir) }
        TestFiles.write("\(dir)/ct.txt", Array("bogus\n".utf8))
        let (_, _, err) = run(["config", "format", "--vmid", "555", "\(dir)/ct.txt"])
        #expect(err == "\(dir)/ct.txt:1: warning: vm 555 - unable to parse config: bogus\n")
        let (_, _, err2) = run(["config", "format", "\(dir)/ct.txt"])
        #expect(err2 == "\(dir)/ct.txt:1: warning: vm 100 - unable to parse config: bogus\n")
    }

    @Test func formatFailsWhereProxmoxWriterRefuses() {
        withConfig("pending: x\n") { path in
            let (code, _, err) = run(["config", "format", path])
            #expect(code == 1)
            #expect(err.contains("as a HASH ref"))
        }
        let (code, _, err) = run(["config", "format", "/nonexistent/1.conf"])
        #expect(code == 1)
        #expect(err.contains("unable to open file '/nonexistent/1.conf'"))
    }

    /// Proxmox's writer builds the whole text before anything is written: a refused file prints
    /// nothing, not the lines before the refusal, and the other files still print.
    @Test func refusedFilePrintsNothing() {
        let dir = TestFiles.makeTemporaryDirectory(prefix: "pve-config-cli")
        defer { TestFiles.removeTree(dir) }
        TestFiles.write("\(dir)/101.conf", Array("arch: amd64\nlxc: foo\nmemory: 512\n".utf8))
        TestFiles.write("\(dir)/102.conf", Array("cores: 2\n".utf8))
        let (code, out, err) = run(["config", "format", "\(dir)/101.conf", "\(dir)/102.conf"])
        #expect(code == 1)
        #expect(out == "cores: 2\n")
        #expect(err.contains("\(dir)/101.conf: error: Can't use string (\"foo\") as an ARRAY ref"))
    }

    /// `timezone` is checked against the host's `zone.tab` (read on first use); every name
    /// passes on a host without one.
    @Test func timezoneCheckedAgainstHostZoneTable() {
        let hasZoneTable = access("/usr/share/zoneinfo/zone.tab", R_OK) == 0
        withConfig("timezone: Europe/Vienna\ntimezone: host\n") { path in
            let (code, _, err) = run(["config", "check", path])
            #expect(code == 0, "\(err)")
        }
        withConfig("timezone: Bogus/Zone\n") { path in
            let (code, _, err) = run(["config", "check", path])
            if hasZoneTable {
                #expect(code == 1)
                #expect(err.contains("\(path):1:11: error: vm 101 - unable to parse value of 'timezone' - invalid time zone 'Bogus/Zone'"))
            } else {
                #expect(code == 0)
            }
        }
    }

    @Test(
        arguments: [
            ("/etc/pve/lxc/107.conf", nil, "107"), ("107.conf", nil, "107"), ("/x/ct107.conf", "9", "9"),
            ("/x/.conf", nil, "100"), ("/x/107.conf.bak", nil, "100"), ("/x/107xconf", nil, "100"), ("/x/1a7.conf", nil, "100"),
            ("/x/Ü107.conf", nil, "100"), ("/x/Ü/107.conf", nil, "107"), ("", nil, "100"),
        ] as [(String, String?, String)])
    func vmidFromFileName(_ path: String, _ option: String?, _ expected: String) {
        #expect(ConfigCommand.vmid(for: path, option: option) == expected)
    }

    @Test func checkListsEveryProblem() {
        withConfig("swap: 1\nswap: 2\nmemory: x\nlxc.bogus: 1\n") { path in
            let (code, out, err) = run(["config", "check", path])
            #expect(code == 1)
            #expect(out.isEmpty)
            #expect(
                err == """
                    \(path):2:1: warning: duplicate key 'swap' (line 1 is ignored)
                    \(path):3:9: error: vm 101 - unable to parse value of 'memory' - type check ('integer') failed - got 'x'
                    \(path):4:1: error: vm 101 - unable to parse config: lxc.bogus: 1

                    """)
        }
        withConfig("swap: 1\nswap: 2\n") { path in
            let (code, _, err) = run(["config", "check", path])
            #expect(code == 0)
            #expect(err.contains("warning: duplicate key"))
        }
    }

    @Test func getReadsSections() {
        withConfig("#a note\nonboot: yes\n\n[pve:pending]\nmemory: 1\n\n[s1]\nmemory: 2\nsnaptime: 3\n") { path in
            #expect(run(["config", "get", path, "onboot"]).1 == "1\n")
            #expect(run(["config", "get", path, "description"]).1 == "a note\n")
            #expect(run(["config", "get", path, "memory", "--pending"]).1 == "1\n")
            #expect(run(["config", "get", path, "memory", "--snapshot", "s1"]).1 == "2\n")
            let (code, _, err) = run(["config", "get", path, "memory"])
            #expect(code == 1)
            #expect(err == "memory: not set in main section\n")
            #expect(run(["config", "get", path, "memory", "--snapshot", "nope"]).2 == "snapshot 'nope' does not exist\n")
            #expect(run(["config", "get", path, "memory", "--snapshot", "s1", "--pending"]).0 == 64)
        }
    }

    @Test func setEditsLosslesslyAndAtomically() throws {
        let original = "# hand written\narch:    amd64\nmemory: 512\nlxc.apparmor.profile = unconfined\n"
        try withConfig(original) { path in
            let (code, _, err) = run(["config", "set", path, "memory=1024", "cores=2"])
            #expect(code == 0, "\(err)")
            #expect(
                TestFiles.readString(path)
                    == "# hand written\narch:    amd64\ncores: 2\nmemory: 1024\nlxc.apparmor.profile = unconfined\n")
            let (code2, _, err2) = run(["config", "set", path, "memory=lots"])
            #expect(code2 == 1)
            #expect(err2 == "memory: type check ('integer') failed - got 'lots'\n")
            let (code3, _, _) = run(["config", "set", path, "swap=0", "--delete", "cores", "--pending"])
            #expect(code3 == 0)
            let text = try #require(TestFiles.readString(path))
            #expect(text.hasSuffix("\n[pve:pending]\ndelete: cores\nswap: 0\n"))
            let (code4, _, err4) = run(["config", "set", path, "--delete", "hostname"])
            #expect(code4 == 0)
            #expect(err4 == "warning: cannot delete 'hostname' - not set in current configuration!\n")
            #expect(run(["config", "set", path]).0 == 64)
            #expect(run(["config", "set", path, "novalue"]).0 == 64)
            // No temporary files are left behind.
            let dir = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
            #expect(TestFiles.list(dir) == ["101.conf"])
        }
    }

    @Test func jsonShowsModel() {
        withConfig("onboot: 1\nmemory: 0512\nlxc.environment.runtime: A=1\n\n[s1]\nsnaptime: 3\n") { path in
            let (code, out, _) = run(["config", "json", path])
            #expect(code == 0)
            #expect(out.contains("\"memory\": 512"))
            #expect(out.contains("\"env\": \"A=1\""))
            #expect(out.contains("\"s1\": {\n      \"snaptime\": 3"))
        }
    }

    @Test func snapshotEditsHandWrittenFilesLosslessly() {
        let text = "memory:   512\n# why so small: legacy app\nrootfs: local:vm-101-disk-0\nlxc.apparmor.profile = unconfined\n"
        withConfig(text) { path in
            #expect(run(["config", "snapshot", "create", path, "s1", "--snaptime", "5"]).0 == 0)
            #expect(
                TestFiles.readString(path)
                    == "memory:   512\n# why so small: legacy app\nparent: s1\nrootfs: local:vm-101-disk-0\nlxc.apparmor.profile = unconfined\n\n[s1]\nmemory: 512\nrootfs: local:vm-101-disk-0\nsnaptime: 5\nlxc.apparmor.profile: unconfined\n"
            )
            #expect(run(["config", "snapshot", "delete", path, "s1", "--canonical"]).0 == 0)
            #expect(
                TestFiles.readString(path)
                    == "# why so small%3A legacy app\nmemory: 512\nrootfs: local:vm-101-disk-0\nlxc.apparmor.profile: unconfined\n")
        }
    }

    @Test func snapshotLifecycle() throws {
        try withConfig("memory: 512\nrootfs: local:vm-101-disk-0\n") { path in
            #expect(run(["config", "snapshot", "create", path, "first", "--snaptime", "10", "--description", "fresh"]).0 == 0)
            #expect(
                TestFiles.readString(path)
                    == "memory: 512\nparent: first\nrootfs: local:vm-101-disk-0\n\n[first]\n#fresh\nmemory: 512\nrootfs: local:vm-101-disk-0\nsnaptime: 10\n")
            #expect(run(["config", "snapshot", "prepare", path, "second", "--snaptime", "11"]).0 == 0)
            let before = try #require(TestFiles.read(path))
            let (code, _, err) = run(["config", "snapshot", "prepare", path, "third", "--snaptime", "12"])
            #expect(code == 1)
            #expect(err == "CT is locked (snapshot)\n")
            #expect(TestFiles.read(path) == before)
            #expect(run(["config", "snapshot", "commit", path, "second"]).0 == 0)
            #expect(run(["config", "snapshot", "rollback", path, "first"]).0 == 0)
            #expect(run(["config", "get", path, "parent"]).1 == "first\n")
            #expect(run(["config", "snapshot", "delete", path, "second"]).0 == 0)
            #expect(run(["config", "snapshot", "delete", path, "first", "--force"]).0 == 0)
            #expect(TestFiles.readString(path) == "memory: 512\nrootfs: local:vm-101-disk-0\n")
            #expect(run(["config", "snapshot", "explode", path, "x"]).0 == 64)
            #expect(run(["config", "snapshot", "create", path]).0 == 64)
            #expect(run(["config", "snapshot", "create", path, "current"]).2 == "unable to use snapshot name 'current' (reserved name)\n")
        }
    }
}
