import PVERuntime
import PVESystem
import PVETestSupport
import Testing

@testable import pve_guestsetup

/// Every command with `--json` prints one JSON object whose fields are the documented ones
/// (`CommandSpec.jsonFields`, shown in `--help` and the man page), and its errors as one JSON
/// object on stderr.
@Suite struct JSONOutputTests {
    struct Run {
        var code: Int32
        var out: String
        var err: String
    }

    static func run(_ args: [String]) -> Run {
        let captured = CapturedOutput()
        var console = captured.console
        let runner = RecordingRunner(replies: [.exit(0, stdout: "State:          RUNNING\nPID:            4242\n")])
        let locks = TestFiles.makeTemporaryDirectory(prefix: "pve-json-locks")
        defer { TestFiles.removeTree(locks) }
        // `mount` runs through the recording runner too: nothing is mounted.
        let code = RuntimeContext.$runner.withValue(runner) {
            StorageOptions.$verifiesBindMounts.withValue(false) {
                StorageOptions.$lockDirectory.withValue(locks) { CLI.run(args, console: &console) }
            }
        }
        return Run(code: code, out: captured.stdout, err: captured.stderr)
    }

    /// A fresh config directory with `100.conf` (rootfs a host directory, locked) for `mount` and `list`.
    static func mountableConfigDir() -> String {
        let dir = TestFiles.makeTemporaryDirectory(prefix: "pve-json-mount")
        _ = try? RootFS(path: "/").makeDirectories(dir + "/share", mode: 0o755, owner: nil)
        TestFiles.write(dir + "/100.conf", Array("hostname: web\nrootfs: \(dir)/share\n".utf8))
        return dir
    }

    /// A config and host facts for `lxc-config` (the facts complete, so this host is not read).
    static let lxcConfigCase: (conf: String, facts: String) = {
        let dir = TestFiles.makeTemporaryDirectory(prefix: "pve-json-lxc")
        TestFiles.write(dir + "/100.conf", Array("arch: amd64\nostype: debian\nrootfs: local:100/x.raw\nunprivileged: 1\n".utf8))
        let facts = """
            {"lxcVersion": "6.0.5", "cgroupV1Controllers": [], "cgroupV2Controllers": ["cpuset", "cpu", "memory"],
             "cpus": "0-7", "bridgeMTU": {"vmbr0": 1500}, "lxcConfigDir": "\(Fixtures.path("lxc-config/lxc-config-dir"))",
             "kernelRelease": "6.8.12-4-pve"}
            """
        TestFiles.write(dir + "/facts.json", Array(facts.utf8))
        return (dir + "/100.conf", dir + "/facts.json")
    }()

    /// A config with pending changes and a snapshot, so every optional field appears.
    static let configPath: String = {
        let dir = TestFiles.makeTemporaryDirectory(prefix: "pve-json")
        let path = dir + "/101.conf"
        TestFiles.write(
            path,
            Array("arch: amd64\nmemory: 512\nfoo: bar\n\n[pve:pending]\nmemory: 1024\ndelete: swap\n\n[snap1]\nmemory: 256\nsnaptime: 1700000000\n".utf8))
        return path
    }()

    /// Invocations that together show every documented field of each JSON command.
    static var samples: [String: [[String]]] {
        let conf = configPath
        let example = Fixtures.path("example/100.conf")
        let rootfs = Fixtures.path("example/rootfs")
        let confDir = String(conf.dropLast("/101.conf".count))
        let mountDir = mountableConfigDir()
        let mountOptions = ["--config-dir", mountDir, "--storage-config", mountDir + "/none.cfg", "--lxcpath", mountDir + "/lxc"]
        let lxc = lxcConfigCase
        return [
            "propstr": [
                ["propstr", "rootfs", "local:100/vm-100-disk-0.raw,size=8G,acl=1,quota=1,replicate=0,ro=0,shared=0,mountoptions=noatime", "--json"],
                ["propstr", "mp", "/mnt/a,mp=/a,idmap=u:0:100000:65536", "--json"],
                ["propstr", "mp", "/mnt/b,mp=/b,backup=1,keepattrs=1", "--json"],
                ["propstr", "unused", "local:vm-100-disk-1", "--json"],
                [
                    "propstr", "net",
                    "name=eth0,bridge=vmbr0,firewall=1,gw=10.0.0.1,gw6=fe80::1,host-managed=1,ip=10.0.0.2/24,ip6=auto,link_down=0,mtu=1500,rate=10,tag=5,trunks=1;2",
                    "--json",
                ],
                ["propstr", "dev", "/dev/null,deny-write=1,gid=0,uid=0,mode=0666", "--json"],
                ["propstr", "features", "force_rw_sys=1,fuse=1,keyctl=1,mknod=1,mount=nfs,nesting=1", "--json"],
            ],
            "config format": [["config", "format", conf, example, "/nonexistent/9.conf", "--json"]],
            "config check": [["config", "check", conf, "/nonexistent/9.conf", "--json"]],
            "config get": [["config", "get", conf, "memory", "--json"]],
            "config json": [["config", "json", conf, "--json"]],
            "detect": [["detect", rootfs, "--ostype", "debian", "--json"]],
            "apply": [["apply", "--dry-run", "--config", example, "--rootfs", rootfs, "--seed", "1", "--json"]],
            "status": [["status", "100", "--json"]],
            "list": [["list", "--config-dir", mountDir, "--lxcpath", mountDir + "/lxc", "--json"]],
            "pending": [["pending", "101", "--config-dir", confDir, "--json"]],
            "listsnapshot": [["listsnapshot", "101", "--config-dir", confDir, "--json"]],
            "config show": [
                ["config", "show", "101", "--config-dir", confDir, "--json"],
                ["config", "show", "101", "--current", "--config-dir", confDir, "--json"],
                ["config", "show", "101", "--snapshot", "snap1", "--config-dir", confDir, "--json"],
            ],
            "lxc-config": [["lxc-config", lxc.conf, "--seed", "1", "--host-facts", lxc.facts, "--json"]],
            "host-facts": [["host-facts", "--json"]],
            "mount": [["mount", "100", "--json"] + mountOptions],
            "storage format": [["storage", "format", Fixtures.path("storage/cases/content.cfg"), "--json"]],
            "storage check": [["storage", "check", Fixtures.path("storage/cases/value-errors.cfg"), "--json"]],
            "storage path": [["storage", "path", "local:100/vm-100-disk-0.raw", "--storage-config", Fixtures.path("storage/cases/alloc.cfg"), "--json"]],
        ]
    }

    /// The documented names: `a, b` entries split; `files[].x` kept as paths.
    static func documented(_ spec: CommandSpec) -> Set<String> {
        Set(spec.jsonFields.flatMap { $0.name.split(separator: ", ").map(String.init) })
    }

    @Test func everyJSONCommandHasSamples() {
        let json = CLI.table.map { $0.command.spec }.filter(\.printsJSON).map(\.name)
        #expect(json.count >= 11)
        for name in json {
            #expect(Self.samples[name] != nil, "no --json sample for '\(name)'")
            #expect(!(CLI.table.first { $0.command.spec.name == name }?.command.spec.jsonFields.isEmpty ?? true), "'\(name)' documents no JSON fields")
        }
    }

    @Test(arguments: Self.samples.keys.sorted())
    func outputHasTheDocumentedFields(name: String) throws {
        let spec = try #require(CLI.table.first { $0.command.spec.name == name }).command.spec
        let documented = Self.documented(spec)
        var seen: Set<String> = []
        for args in Self.samples[name] ?? [] {
            let r = Self.run(args)
            #expect(r.code == 0 || name.hasPrefix("config ") || name == "storage check", "\(args): \(r.err)")
            let value = try TestJSON.parse(r.out)
            let members = try #require(value.objectMembers, "\(args): not one object")
            for (key, child) in members {
                seen.insert(key)
                #expect(documented.contains(key), "\(name): undocumented field '\(key)'")
                // Array members documented as `key[].field` are checked too.
                guard documented.contains(where: { $0.hasPrefix(key + "[].") }), case .array(let items) = child else { continue }
                for item in items {
                    for (field, _) in item.objectMembers ?? [] {
                        seen.insert("\(key)[].\(field)")
                        #expect(documented.contains("\(key)[].\(field)"), "\(name): undocumented field '\(key)[].\(field)'")
                    }
                }
            }
        }
        for field in documented { #expect(seen.contains(field), "\(name): documented field '\(field)' never printed") }
    }

    static let errorCases: [([String], Int32)] = [
        (["config", "get", "/nonexistent/9.conf", "memory", "--json"], 1),
        (["config", "json", "/nonexistent/9.conf", "--json"], 1),
        (["detect", "/", "--json"], 1),
        (["propstr", "net", "name=eth0,bogus=1", "--json"], 1),
        (["config", "get", "--json"], 64),
        (["status", "1", "--json"], 64),
        (["apply", "--json"], 64),
        (["pending", "999", "--config-dir", "/nonexistent", "--json"], 1),
        (["config", "999", "--config-dir", "/nonexistent", "--json"], 1),
        (["config", "show", "101", "--snapshot", "nosuch", "--config-dir", "/nonexistent", "--json"], 1),
        (["listsnapshot", "abc", "--json"], 64),
        (["lxc-config", "/nonexistent/100.conf", "--json"], 1),
        (["host-facts", "extra", "--json"], 64),
        (["mount", "999", "--config-dir", "/nonexistent", "--json"], 1),
        (["storage", "path", "nostorage:1", "--storage-config", "/nonexistent/storage.cfg", "--json"], 1),
    ]

    @Test(arguments: Self.errorCases)
    func errorsAreOneJSONObjectOnStderr(args: [String], code: Int32) throws {
        let r = Self.run(args)
        #expect(r.code == code)
        #expect(r.out.isEmpty)
        #expect(r.err.hasSuffix("}\n") && r.err.filter { $0 == "\n" }.count == 1, "\(r.err)")
        let value = try TestJSON.parse(r.err)
        let keys = Set(value.objectMembers?.map(\.0) ?? [])
        let documented = Set(CLI.errorJSONFields.map(\.name))
        #expect(keys.isSubset(of: documented))
        #expect(value["exitCode"] == .number(String(code)))
        if case .string(let message) = value["error"] { #expect(!message.isEmpty) } else { Issue.record("no error message") }
        #expect((value["usage"] != nil) == (code == 64))
    }

    @Test func withoutJSONErrorsStayText() {
        let r = Self.run(["config", "get", "/nonexistent/9.conf", "memory"])
        #expect(r.code == 1)
        #expect(r.err.hasPrefix("unable to open file '/nonexistent/9.conf'"))
    }
}

/// `config format` shows a counter on a terminal (stderr) and nothing otherwise.
@Suite struct ProgressTests {
    static func files(_ count: Int) -> [String] {
        let dir = TestFiles.makeTemporaryDirectory(prefix: "pve-progress")
        return (0..<count).map { i in
            let path = "\(dir)/\(100 + i).conf"
            TestFiles.write(path, Array("memory: \(512 + i)\n".utf8))
            return path
        }
    }

    func format(_ paths: [String], terminal: Bool) -> (Int32, String, String) {
        let captured = CapturedOutput()
        var console = captured.console
        console.showsProgress = terminal
        let code = ConfigFormatCommand.format(paths, vmid: nil, jobs: 2, console: &console)
        return (code, captured.stdout, captured.stderr)
    }

    @Test func counterOnATerminal() {
        let paths = Self.files(200)
        let (code, out, err) = format(paths, terminal: true)
        #expect(code == 0)
        #expect(err.hasPrefix("\rconfig format: "))
        #expect(err.contains("\rconfig format: 200/200\u{1B}[K"))
        #expect(err.hasSuffix("\r\u{1B}[K"))  // erased at the end
        let (_, plainOut, plainErr) = format(paths, terminal: false)
        #expect(plainErr.isEmpty)
        #expect(out == plainOut)  // the output itself is unchanged
    }

    @Test func silentForFewFilesAndWhenNotATerminal() {
        #expect(format(Self.files(3), terminal: true).2.isEmpty)
        #expect(format(Self.files(100), terminal: false).2.isEmpty)
    }

    @Test func warningsClearTheCounterFirst() {
        var paths = Self.files(100)
        let bad = TestFiles.makeTemporaryDirectory(prefix: "pve-progress") + "/150.conf"
        TestFiles.write(bad, Array("memory: 512\nfoo: bar\n".utf8))
        paths[80] = bad
        let (_, _, err) = format(paths, terminal: true)
        #expect(err.contains("\u{1B}[K\r\u{1B}[K\(bad):2: warning:"))
    }
}
