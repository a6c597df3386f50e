import Glibc
import PVEConfig
import PVERuntime
import PVETestSupport
import Testing

@testable import pve_guestsetup

/// The pct-like VMID commands without running containers: option spellings, the pure parts
/// (LXC config adaptation, subuid ranges, netN completion, cgroup values, printing) and every
/// refusal that needs no LXC.
@Suite struct LifecycleTests {
    struct Outcome {
        var code: Int32
        var out: String
        var err: String
    }

    /// Runs the CLI with a private lock directory and the given subuid/subgid files.
    static func run(_ args: [String], subuid: String = "/etc/subuid", subgid: String = "/etc/subgid") -> Outcome {
        let captured = CapturedOutput()
        var console = captured.console
        let locks = TestFiles.makeTemporaryDirectory(prefix: "pve-cli-locks")
        defer { TestFiles.removeTree(locks) }
        let code = StorageOptions.$lockDirectory.withValue(locks) {
            LifecycleOptions.$subuidPath.withValue(subuid) {
                LifecycleOptions.$subgidPath.withValue(subgid) { CLI.run(args, console: &console) }
            }
        }
        return Outcome(code: code, out: captured.stdout, err: captured.stderr)
    }

    /// A scratch host: config dir, storage.cfg with a `dir` storage `scratch`, lxcpath.
    struct Scratch {
        let root = TestFiles.makeTemporaryDirectory(prefix: "pve-lifecycle")
        var conf: String { root + "/conf" }
        var store: String { root + "/store" }
        var lxc: String { root + "/lxc" }
        var options: [String] { ["--config-dir", conf, "--storage-config", root + "/storage.cfg", "--lxcpath", lxc] }
        init() {
            chmod(root, 0o755)  // as /var/lib/lxc: an unprivileged container's root must reach its rootfs
            mkdir(root + "/conf", 0o755)
            mkdir(root + "/lxc", 0o755)
            _ = TestFiles.write(root + "/storage.cfg", Array("dir: scratch\n\tpath \(root)/store\n\tcontent rootdir,images,vztmpl\n".utf8))
        }
        /// Everything left under the config dir, the storage's images and the lxcpath.
        var leftovers: [String] {
            [conf, store + "/images", lxc].flatMap { dir in TestFiles.list(dir).map { dir + "/" + $0 } }
        }
        func remove() { TestFiles.removeTree(root) }
    }

    // MARK: - Pure parts

    @Test func pctSpellingsOfOptions() throws {
        let known = CreateCommand.spec.options
        let (rest, settings) = try LifecycleOptions.split(
            ["100", "t.tar", "-memory", "512", "--swap", "0", "--hostname=a", "-config-dir", "/c", "--password", "x"],
            known: known, settings: true)
        #expect(rest == ["100", "t.tar", "--config-dir", "/c", "--password", "x"])
        #expect(settings.map(\.key) == ["memory", "swap", "hostname"])
        #expect(settings.map(\.value) == ["512", "0", "a"])
        #expect(throws: UsageError.self) { try LifecycleOptions.split(["-bogus", "1"], known: known, settings: true) }
        #expect(throws: UsageError.self) { try LifecycleOptions.split(["-memory"], known: known, settings: true) }
        #expect(throws: UsageError.self) { try LifecycleOptions.split(["-memory", "1"], known: known, settings: false) }
    }

    @Test func lxcConfigAdaptation() {
        let generated = """
            lxc.rootfs.path = /var/lib/lxc/100/rootfs
            lxc.seccomp.profile = /var/lib/lxc/100/rules.seccomp
            lxc.net.0.type = veth
            lxc.net.0.script.up = /usr/share/lxc/lxcnetaddbr
            lxc.net.1.type = veth
            lxc.net.1.script.up = /usr/share/lxc/lxcnetaddbr
            """
        let adapted = LXCConfigAdaptation.adapt(
            generated, vmid: "100", lxcPath: "/srv/lxc", bridges: [0: "br0"], hasLxcnetaddbr: false)
        #expect(
            adapted == """
                lxc.rootfs.path = /srv/lxc/100/rootfs
                lxc.seccomp.profile = /srv/lxc/100/rules.seccomp
                lxc.net.0.type = veth
                lxc.net.0.link = br0
                lxc.net.1.type = veth
                """)
        // With Proxmox's script and the default lxcpath nothing changes.
        #expect(
            LXCConfigAdaptation.adapt(generated, vmid: "100", lxcPath: "/var/lib/lxc", bridges: [:], hasLxcnetaddbr: true)
                == generated)
    }

    @Test func subordinateRanges() {
        #expect(SubordinateIDs.hasRootRange("root:100000:65536\n"))
        #expect(SubordinateIDs.hasRootRange("user:165536:65536\n0:100000:200000\n"))
        #expect(!SubordinateIDs.hasRootRange(""))
        #expect(!SubordinateIDs.hasRootRange("root:100000:1000\n"))
        #expect(!SubordinateIDs.hasRootRange("user:100000:65536\n"))
        #expect(!SubordinateIDs.hasRootRange("root:200000:65536\n"))
    }

    @Test func createCompletesNetworksAndDefaultsRootfs() throws {
        let request = CreateRequest(
            vmid: "100", template: "t", settings: [("net0", "name=eth0,bridge=vmbr0"), ("memory", "256")], password: nil,
            sshKeys: nil)
        let config = try request.initialConfig { "BC:24:11:00:00:01" }
        #expect(config.main["net0"] == "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,type=veth")
        #expect(config.main["rootfs"] == "local:4")
        #expect(config.main["unprivileged"] == "1")  // Proxmox's default for a new container
        var elsewhere = request
        elsewhere.defaultStorage = "fast"
        #expect(try elsewhere.initialConfig { "BC:24:11:00:00:02" }.main["rootfs"] == "fast:4")
        let privileged = CreateRequest(vmid: "100", template: "t", settings: [("unprivileged", "0")], password: nil, sshKeys: nil)
        #expect(try privileged.initialConfig { "" }.main["unprivileged"] == nil)
        #expect(config.main["memory"] == "256")
        let bad = CreateRequest(vmid: "100", template: "t", settings: [("memory", "lots")], password: nil, sshKeys: nil)
        #expect(throws: UsageError.self) { try bad.initialConfig { "" } }
    }

    @Test func templateCompressionFromMagic() {
        #expect(TemplateCompression.tarOption(magic: [0x1F, 0x8B, 8, 0]) == "--gzip")
        #expect(TemplateCompression.tarOption(magic: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0, 4]) == "--xz")
        #expect(TemplateCompression.tarOption(magic: [0x28, 0xB5, 0x2F, 0xFD]) == "--zstd")
        #expect(TemplateCompression.tarOption(magic: Array("BZh9".utf8)) == "--bzip2")
        #expect(TemplateCompression.tarOption(magic: Array("./bin".utf8)) == nil)
        #expect(TemplateCompression.tarOption(magic: [0x1F]) == nil)
    }

    @Test func hotApplyValues() {
        let config = ContainerConfig()
        #expect(HotApply.cgroupSettings("memory", "256", config: config, v2: true)!.map(\.value) == ["268435456"])
        let v1 = HotApply.cgroupSettings("memory", "1024", config: config, v2: false)!
        #expect(v1.map(\.file) == ["memory.memsw.limit_in_bytes", "memory.limit_in_bytes"])  // growing: the sum first
        #expect(HotApply.cgroupSettings("cpulimit", "1.5", config: config, v2: true)!.map(\.value) == ["150000 100000"])
        #expect(HotApply.cgroupSettings("cpulimit", "0", config: config, v2: false)!.last!.value == "-1")
        #expect(HotApply.cgroupSettings("cpuunits", "50000", config: config, v2: true)!.map(\.value) == ["10000"])
        #expect(HotApply.cgroupSettings("hostname", "x", config: config, v2: true) == nil)
    }

    @Test func pendingAndConfigText() throws {
        let text = "hostname: a\nmemory: 512\nswap: 256\n\n[pve:pending]\ndelete: swap\nhostname: b\n"
        let config = try ConfigDocument(bytes: Array(text.utf8), file: "100.conf", vmid: "100").config
        #expect(
            ContainerHost.pendingText(config)
                == "cur hostname: a\nnew hostname: b\ncur memory: 512\ncur swap: 256\ndel swap: 256\n")
        #expect(try ContainerHost.configText(config, current: false, snapshot: nil) == "hostname: b\nmemory: 512\n")
        #expect(try ContainerHost.configText(config, current: true, snapshot: nil) == "hostname: a\nmemory: 512\nswap: 256\n")
        #expect(throws: CommandFailure.self) { try ContainerHost.configText(config, current: false, snapshot: "x") }
    }

    // MARK: - Refusals through the CLI (no LXC needed)

    @Test(arguments: [
        ["create"], ["create", "100"], ["create", "abc", "t.tar"], ["create", "100", "t.tar", "-bogus", "1"],
        ["create", "100", "t.tar", "-memory", "lots"], ["create", "100", "t.tar", "--net0", "bridge=vmbr0"],
        ["set", "100"], ["set", "100", "-nokey", "1"], ["destroy"], ["shutdown", "100", "--timeout", "x"],
        ["shutdown", "100", "--timeout", "-1"], ["reboot", "100", "--timeout", "-1"],
        ["push", "100", "a"], ["push", "100", "a", "b", "--perms", "999"], ["pull", "100"], ["snapshot", "100"],
        ["list", "extra"], ["create", "100", "t.tar", "--start", "yes"],
    ])
    func usageErrorsExit64(_ args: [String]) {
        let outcome = Self.run(args)
        #expect(outcome.code == 64, "\(args): \(outcome.err)")
        #expect(outcome.err.contains("Usage: pve-guestsetup"))
    }

    @Test func consolePrintsLXCsCommand() {
        let outcome = Self.run(["console", "100", "--escape", "^b", "--print-command", "--lxcpath", "/srv/lxc"])
        #expect(outcome.code == 0)
        #expect(outcome.out == "/usr/bin/lxc-console -n 100 -P /srv/lxc -e '^b'\n")
        #expect(Self.run(["console", "100", "--escape", "12"]).code == 64)
    }

    @Test func missingTemplateLeavesNothing() {
        let s = Scratch()
        defer { s.remove() }
        let outcome = Self.run(["create", "100", s.root + "/missing.tar.gz"] + s.options)
        #expect(outcome.code == 1)
        #expect(outcome.err == "template '\(s.root)/missing.tar.gz' does not exist or is not a file ('\(s.root)/missing.tar.gz')\n")
        #expect(s.leftovers.isEmpty)
        let volume = Self.run(["create", "100", "scratch:vztmpl/none.tar.zst"] + s.options)
        #expect(volume.code == 1)
        #expect(volume.err.contains("scratch:vztmpl/none.tar.zst"))
    }

    @Test func missingSubordinateRangeNamesTheLine() {
        let s = Scratch()
        defer { s.remove() }
        _ = TestFiles.write(s.root + "/subuid", Array("someone:100000:65536\n".utf8))
        _ = TestFiles.write(s.root + "/subgid", Array("root:100000:65536\n".utf8))
        _ = TestFiles.write(s.root + "/t.tar", [])
        let outcome = Self.run(
            ["create", "100", s.root + "/t.tar", "-unprivileged", "1"] + s.options, subuid: s.root + "/subuid",
            subgid: s.root + "/subgid")
        #expect(outcome.code == 1)
        #expect(
            outcome.err
                == "unprivileged containers need a subordinate id range for root: add the line 'root:100000:65536' to \(s.root)/subuid\n"
        )
        #expect(s.leftovers.isEmpty)
        // Unprivileged is the default, as in Proxmox.
        let byDefault = Self.run(["create", "100", s.root + "/t.tar"] + s.options, subuid: s.root + "/subuid")
        #expect(byDefault.err.hasPrefix("unprivileged containers need a subordinate id range for root"))
        #expect(s.leftovers.isEmpty)
    }

    @Test func existingContainerIsRefused() {
        let s = Scratch()
        defer { s.remove() }
        _ = TestFiles.write(s.conf + "/100.conf", Array("memory: 512\n".utf8))
        _ = TestFiles.write(s.root + "/t.tar", [])
        let outcome = Self.run(["create", "100", s.root + "/t.tar"] + s.options)
        #expect(outcome.code == 1)
        #expect(outcome.err.hasPrefix("CT 100 already exists on node '"))
        #expect(TestFiles.readString(s.conf + "/100.conf") == "memory: 512\n")
    }

    @Test func lockedConfigIsRefused() {
        let s = Scratch()
        defer { s.remove() }
        _ = TestFiles.write(s.conf + "/16002.conf", Array("lock: backup\nmemory: 512\nrootfs: scratch:16002/x.raw\n".utf8))
        for command in [["start", "16002"], ["destroy", "16002"], ["set", "16002", "-memory", "256"]] {
            let outcome = Self.run(command + s.options)
            #expect(outcome.code == 1, "\(command)")
            #expect(outcome.err == "CT is locked (backup)\n", "\(command)")
        }
        #expect(TestFiles.readString(s.conf + "/16002.conf") == "lock: backup\nmemory: 512\nrootfs: scratch:16002/x.raw\n")
    }

    @Test func configEditsWithoutAContainerRunning() throws {
        // set/pending/config/unlock/snapshot on a stopped (here: unknown to LXC) container.
        let s = Scratch()
        defer { s.remove() }
        _ = TestFiles.write(s.conf + "/16001.conf", Array("memory: 512\nrootfs: scratch:16001/x.raw,size=1G\n".utf8))
        let lxcOptions = s.options
        #expect(Self.run(["set", "16001", "-memory", "1024", "--swap", "128"] + lxcOptions).code == 0)
        #expect(Self.run(["config", "16001"] + lxcOptions).out == "memory: 1024\nrootfs: scratch:16001/x.raw,size=1G\nswap: 128\n")
        #expect(Self.run(["set", "16001", "--delete", "swap"] + lxcOptions).code == 0)
        #expect(Self.run(["set", "16001", "--net0", "name=eth0,bridge=br0"] + lxcOptions).code == 0)
        let net = Self.run(["config", "show", "16001"] + lxcOptions).out
        #expect(net.contains("net0: name=eth0,bridge=br0,hwaddr=BC:24:11:"))
        #expect(net.contains(",type=veth\n"))
        let digest = try ConfigDocument(bytes: TestFiles.read(s.conf + "/16001.conf")!, file: "", vmid: "16001").config.digest
        #expect(
            Self.run(["set", "16001", "-memory", "64", "--digest", "0000"] + lxcOptions).err
                == "detected modified configuration - file changed by other user? Try again.\n")
        #expect(Self.run(["set", "16001", "-memory", "64", "--digest", digest] + lxcOptions).code == 0)
        #expect(Self.run(["snapshot", "16001", "first"] + lxcOptions).code == 0)
        #expect(Self.run(["listsnapshot", "16001"] + lxcOptions).out.hasPrefix("`-> first "))
        #expect(Self.run(["set", "16001", "-memory", "2048"] + lxcOptions).code == 0)
        #expect(Self.run(["rollback", "16001", "first"] + lxcOptions).code == 0)
        #expect(Self.run(["config", "16001"] + lxcOptions).out.contains("memory: 64\n"))
        #expect(Self.run(["config", "16001", "--snapshot", "first"] + lxcOptions).out.contains("memory: 64\n"))
        #expect(Self.run(["delsnapshot", "16001", "first"] + lxcOptions).code == 0)
        #expect(Self.run(["listsnapshot", "16001"] + lxcOptions).out == "`-> current You are here!\n")
        _ = TestFiles.write(s.conf + "/16001.conf", Array("lock: create\nmemory: 512\n".utf8))
        #expect(Self.run(["set", "16001", "-memory", "256", "--skiplock"] + lxcOptions).code == 0)
        #expect(Self.run(["unlock", "16001"] + lxcOptions).code == 0)
        #expect(TestFiles.readString(s.conf + "/16001.conf") == "memory: 256\n")
        #expect(Self.run(["pending", "16001"] + lxcOptions).out == "cur memory: 256\n")
        #expect(
            Self.run(["status", "16001", "--verbose"] + lxcOptions).out
                == "status: stopped\nname: CT16001\ncpus: 1\nmaxmem: 268435456\nmaxswap: 536870912\n")
        let list = Self.run(["list"] + lxcOptions)
        #expect(list.out.hasPrefix("VMID       Status     Lock       Name\n16001      stopped"))
    }

    @Test func missingConfig() {
        let s = Scratch()
        defer { s.remove() }
        for command in [["destroy", "16003"], ["set", "16003", "-memory", "1"], ["config", "16003"], ["shutdown", "16003"]] {
            let outcome = Self.run(command + s.options)
            #expect(outcome.code == 1, "\(command)")
            #expect(outcome.err == "Configuration file '\(s.conf)/16003.conf' does not exist\n", "\(command)")
        }
    }
}
