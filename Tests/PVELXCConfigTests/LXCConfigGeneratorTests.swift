import PVEConfig
import PVETestSupport
import Testing

@testable import PVELXCConfig

/// A pure cgroup v2 host with one bridge and lxc-pve's config directory.
let v2Facts = HostFacts(
    lxcVersion: "6.0.5", cgroupV1Controllers: [], cgroupV2Controllers: ["cpuset", "cpu", "io", "memory", "pids"],
    cpus: "0-7", bridgeMTU: ["vmbr0": 1500], lxcConfigDir: "/cfg", kernelRelease: "6.8.12-4-pve")

/// The host paths `v2Facts` needs: the include files, `common.seccomp` and two devices.
let table = TableHostLookup(
    statuses: ["/dev/null": HostFileStatus(mode: 0o020666, rdev: 0x103), "/dev/loop0": HostFileStatus(mode: 0o060660, rdev: 0x700)],
    files: [
        "/cfg/common.conf": [], "/cfg/userns.conf": [], "/cfg/debian.common.conf": [], "/cfg/debian.userns.conf": [],
        "/cfg/common.seccomp": Array("2\ndenylist\n[all]\n".utf8),
    ])

func config(_ text: String) throws -> ContainerConfig {
    try ConfigReader.read(Array(text.utf8), file: "100.conf", vmid: "100").config
}

func generate(
    _ text: String, facts: HostFacts = v2Facts, host: TableHostLookup = table, seed: UInt64 = 1
) throws -> LXCConfigOutput {
    var random = Drand48(seed: seed)
    return try LXCConfigGenerator.generate(try config(text), vmid: "100", facts: facts, host: host, random: &random)
}

func configText(_ output: LXCConfigOutput) -> String { String(decoding: output.files["config"] ?? [], as: UTF8.self) }

/// The message of the error `body` throws, or nil.
func failure(_ body: () throws -> LXCConfigOutput) -> String? {
    do {
        _ = try body()
        return nil
    } catch let error as LXCConfigError {
        return error.message
    } catch {
        return "unexpected \(error)"
    }
}

let minimal = "arch: amd64\nostype: debian\nrootfs: local:100/vm-100-disk-0.raw\n"

@Suite struct LXCConfigGeneratorTests {
    @Test func minimalPrivilegedConfig() throws {
        let out = try generate(minimal)
        #expect(
            configText(out) == """
                lxc.cgroup.relative = 0
                lxc.cgroup.dir.monitor = lxc.monitor/100
                lxc.cgroup.dir.container = lxc/100
                lxc.cgroup.dir.container.inner = ns
                lxc.arch = amd64
                lxc.include = /usr/share/lxc/config/debian.common.conf
                lxc.apparmor.profile = generated
                lxc.apparmor.raw = allow mqueue,
                lxc.apparmor.raw = deny mount -> /proc/,
                lxc.apparmor.raw = deny mount -> /sys/,
                lxc.monitor.unshare = 1
                lxc.tty.max = 2
                lxc.environment = TERM=linux
                lxc.uts.name = CT100
                lxc.cgroup2.memory.max = 536870912
                lxc.cgroup2.memory.high = 532676608
                lxc.cgroup2.memory.swap.max = 0
                lxc.rootfs.path = /var/lib/lxc/100/rootfs

                """)
        #expect(out.files.keys.sorted() == ["config"])
        #expect(out.warnings.isEmpty)
    }

    @Test func templateWritesNothing() throws {
        #expect(try generate(minimal + "template: 1\n").files.isEmpty)
        #expect(try generate("template: 1\n").files.isEmpty)  // before any check
        #expect(try generate(minimal + "template: 0\n").files["config"] != nil)
    }

    @Test func rulesSeccompStartsWithCommonSeccomp() throws {
        let out = try generate(minimal + "unprivileged: 1\n")
        #expect(
            String(decoding: out.files["rules.seccomp"] ?? [], as: UTF8.self)
                == "2\ndenylist\n[all]\nioctl errno 1 [1,0x9400,SCMP_CMP_MASKED_EQ,0xff00]\nkeyctl errno 38\nsocket errno 97 [0,38,SCMP_CMP_EQ]\n")
        #expect(configText(out).contains("lxc.seccomp.profile = /var/lib/lxc/100/rules.seccomp\n"))
    }

    @Test func mknodSocketChoice() throws {
        let text = minimal + "unprivileged: 1\nfeatures: mknod=1\n"
        let old = "lxc.seccomp.notify.proxy = unix:/run/pve/lxc-syscalld.sock\n"
        let new = "lxc.seccomp.notify.proxy = unix:/run/pve-lxc-syscalld/socket\n"
        let socket = HostFileStatus(mode: 0o140755, rdev: 0)
        #expect(configText(try generate(text)).contains(new))
        var host = table
        host.statuses["/run/pve/lxc-syscalld.sock"] = socket
        #expect(configText(try generate(text, host: host)).contains(old))
        host.symbolicLinks = ["/run/pve/lxc-syscalld.sock"]
        #expect(configText(try generate(text, host: host)).contains(new))
        host.symbolicLinks = []
        host.statuses["/run/pve-lxc-syscalld/socket"] = socket
        #expect(configText(try generate(text, host: host)).contains(new))
        #expect(configText(try generate(text)).contains("lxc.seccomp.notify.cookie = 100\n"))
    }

    @Test func kernelRelease() {
        let text = minimal + "unprivileged: 1\nfeatures: mknod=1\n"
        for (release, found) in [("5.2.21-1-pve", "5.2"), ("4", "0.0"), ("", "0.0"), ("4.19.0", "4.19"), ("05.02", "5.2")] {
            var facts = v2Facts
            facts.kernelRelease = release
            #expect(
                failure { try generate(text, facts: facts) }
                    == "'mknod' feature requested, but kernel too old (found \(found), required >= 5.3)\n")
        }
        for release in ["5.3", "5.3.0-1", "6.0", "10.1.2"] {
            var facts = v2Facts
            facts.kernelRelease = release
            #expect(failure { try generate(text, facts: facts) } == nil, "\(release)")
        }
    }

    /// Fuzz finding (`Fixtures/lxc-config/fuzz/cores-below-one.conf`): a `cores` limit below 1
    /// made the CPU pick remove a member of an empty set (a crash; Proxmox loops forever there).
    /// The pick stops at the empty set, and the outcome stays reproducible.
    @Test func coresBelowOneStopsAtAnEmptyCPUSet() throws {
        let bytes = try #require(TestFiles.read(Fixtures.path("lxc-config/fuzz/cores-below-one.conf")))
        let config = try ConfigReader.read(bytes, file: "100.conf", vmid: "100", mode: .lenient).config
        func outcome() -> String {
            var random = Drand48(seed: 1)
            do throws(LXCConfigError) {
                let out = try LXCConfigGenerator.generate(config, vmid: "100", facts: v2Facts, host: table, random: &random)
                return String(decoding: out.files["config"] ?? [], as: UTF8.self)
            } catch {
                return "error: " + error.message
            }
        }
        let first = outcome()
        #expect(first.contains("lxc.cgroup2.cpuset.cpus = "))
        #expect(outcome() == first)
    }

    @Test func devices() throws {
        let out = configText(try generate(minimal + "dev1: /dev/loop0\ndev0: /dev/null,deny-write=1\n"))
        #expect(
            out.contains(
                "lxc.cgroup2.devices.allow = c 1:3 r\nlxc.cgroup2.devices.deny = c 1:3 w\nlxc.cgroup2.devices.allow = b 7:0 rw\n"))
    }

    @Test func deviceNumbersAsGlibcSplitsThem() throws {
        var host = table
        // glibc's makedev(259, 4101): the minor's upper bits sit above the major's
        host.statuses["/dev/nvme"] = HostFileStatus(mode: 0o060660, rdev: 0x101_0305)
        #expect(configText(try generate(minimal + "dev0: /dev/nvme\n", host: host)).contains("= b 259:4101 rw\n"))
    }

    @Test func deviceErrors() {
        #expect(failure { try generate(minimal + "dev0: /dev/nope\n") } == "Device /dev/nope does not exist\n")
        var host = table
        host.statuses["/dev/dir"] = HostFileStatus(mode: 0o040755, rdev: 0)
        #expect(failure { try generate(minimal + "dev0: /dev/dir\n", host: host) } == "/dev/dir is not a device\n")
        host.statuses = [:]
        #expect(failure { try generate(minimal + "dev0: /dev/null\n", host: host) } == "Device /dev/null does not exist\n")
        #expect(failure { try generate(minimal + "dev0: uid=1\n") } == "Path has to be defined\n")
    }

    /// Proxmox tests `$! == ENOENT` after a successful `stat`: a failed include-file test before
    /// (an ostype without its own include) makes an existing device "not exist" unless the
    /// `rules.seccomp` file handling reset `$!` in between.
    @Test func staleErrno() {
        let nixos = "arch: amd64\nostype: nixos\nrootfs: local:100/x.raw\ndev0: /dev/null\n"
        #expect(failure { try generate(nixos) } == "Device /dev/null does not exist\n")
        #expect(failure { try generate(nixos + "unprivileged: 1\n") } == nil)
    }

    @Test func explicitProfilesWarn() throws {
        let out = try generate(
            minimal
                + "unprivileged: 1\nfeatures: keyctl=1,mknod=1,fuse=1,mount=nfs\nlxc.seccomp.profile: x\nlxc.apparmor.profile: y\n")
        #expect(
            out.warnings == [
                "explicitly configured lxc.seccomp.profile overrides the following settings: keyctl, mknod\n",
                "explicitly configured lxc.apparmor.profile overrides the following settings: features:fuse, features:mount\n",
            ])
        #expect(!configText(out).contains("apparmor.profile = generated"))
        #expect(out.files["rules.seccomp"] == nil)
    }

    @Test func warningsTravelWithTheError() {
        let text = "arch: amd64\nostype: debian\nfeatures: nesting=1\nlxc.apparmor.profile: y\n"
        var random = Drand48(seed: 1)
        do throws(LXCConfigError) {
            _ = try LXCConfigGenerator.generate(
                (try? config(text)) ?? ContainerConfig(), vmid: "100", facts: v2Facts, host: table, random: &random)
            Issue.record("expected a failure")
        } catch {
            #expect(error.message == "missing 'rootfs' configuration\n")
            #expect(error.warnings == ["explicitly configured lxc.apparmor.profile overrides the following settings: features:nesting\n"])
        }
    }

    @Test func errorMessages() {
        #expect(failure { try generate("ostype: debian\n") } == "missing 'arch' - internal error at /usr/share/perl5/PVE/LXC.pm line 729.\n")
        #expect(failure { try generate("arch: amd64\n") } == "missing 'ostype' - internal error at /usr/share/perl5/PVE/LXC.pm line 735.\n")
        var facts = v2Facts
        facts.lxcVersion = nil
        #expect(failure { try generate(minimal, facts: facts) } == "failed to get lxc version\n")
        #expect(failure { try generate("arch: amd64\nostype: debian\n") } == "missing 'rootfs' configuration\n")
        #expect(failure { try generate(minimal + "net0: name=eth0,bridge=vmbr1\n") } == "bridge 'vmbr1' does not exist\n")
        #expect(
            failure { try generate(minimal + "net0: name=eth0,bridge=vmbr0,mtu=1501\n") }
                == "net0: MTU size '1501' is bigger than bridge MTU '1500'\n")
        #expect(
            failure { try generate(minimal + "net3: name=eth0,bridge=vmbr0,host-managed=1,ip6=auto\n") }
                == "net3: SLAAC is not supported for host-managed network configuration\n")
        #expect(failure { try generate(minimal + "cores: 1\n", facts: withCPUs("0-3,x")) } == "invalid range: x\n")
        #expect(failure { try generate(minimal, facts: withCPUs("5-2")) } == "invalid range: 5-2 (2 < 5)\n")
        var host = table
        host.files["/cfg/common.seccomp"] = nil
        #expect(
            failure { try generate(minimal + "unprivileged: 1\n", host: host) }
                == "can't open '/usr/share/lxc/config/common.seccomp' - No such file or directory\n")
        #expect(failure { try generate(minimal + "features: nesting=2\n") }?.hasPrefix("format error\nnesting: ") == true)
        #expect(failure { try generate(minimal.replacingRootfs(with: "rootfs: vol,idmap=u:0:1\n")) }?.hasPrefix("format error\n") == true)
    }

    func withCPUs(_ cpus: String) -> HostFacts {
        var facts = v2Facts
        facts.cpus = cpus
        return facts
    }

    @Test func memoryArithmeticAsPerl() throws {
        let out = configText(try generate(minimal + "memory: 20480\nswap: 1\ncpulimit: 0.25\ncpuunits: 123456\n"))
        #expect(out.contains("lxc.cgroup2.memory.max = 21474836480\nlxc.cgroup2.memory.high = 21340618752\n"))
        #expect(out.contains("lxc.cgroup2.memory.swap.max = 1048576\n"))
        #expect(out.contains("lxc.cgroup2.cpu.max = 25000 100000\nlxc.cgroup2.cpu.weight = 10000\n"))
        #expect(PerlNumeric("1.5").times(1024).times(1024).truncated.text == "1572864")
        #expect(PerlNumeric("99999999999999999999").times(1024).truncated.text == "1.024e+23")
        #expect(PerlNumeric("abc").text == "0")
        #expect(PerlNumeric(" 12abc").text == "12")
        #expect(PerlNumeric("1e3").times(2).text == "2000")
        #expect(PerlNumeric.double(0.0416303447718782).text == "0.0416303447718782")
    }

    @Test func cpuSharesClampByCgroupMode() throws {
        var hybrid = v2Facts
        hybrid.cgroupV1Controllers = ["memory"]
        hybrid.cgroupV2Controllers = ["cpu", "memory"]
        #expect(configText(try generate(minimal + "cpuunits: 0\n", facts: hybrid)).contains("cpu.weight = 2\n"))
        #expect(configText(try generate(minimal + "cpuunits: 0\n")).contains("cpu.weight = 0\n"))
        #expect(configText(try generate(minimal + "cpuunits: 50000\n", facts: hybrid)).contains("cpu.weight = 50000\n"))
    }

    @Test func cgroupV2PresenceAsProxmoxSeesIt() throws {
        var facts = v2Facts
        facts.cgroupV1Controllers = ["memory", "devices"]
        facts.cgroupV2Controllers = []
        // hybrid without v2 controllers: no unified cgroup.controllers, so no c 5:1 deny line
        let hybrid = configText(try generate(minimal + "console: 0\n", facts: facts))
        #expect(hybrid.contains("lxc.console.path = none\nlxc.tty.max"))
        facts.cgroupV1Controllers = []
        // an empty list is an empty cgroup.controllers: Proxmox then sees no v2 hierarchy either
        #expect(configText(try generate(minimal + "console: 0\n", facts: facts)).contains("lxc.console.path = none\nlxc.tty.max"))
        facts.cgroupV2Controllers = ["pids"]
        let pure = configText(try generate(minimal + "console: 0\n", facts: facts))
        #expect(pure.contains("lxc.console.path = none\nlxc.cgroup2.devices.deny = c 5:1 rwm\n"))
    }

    @Test func coresPickFollowsPerlRand() throws {
        // srand(2024); three draws over 8, 7, 6 … CPUs until 3 are left (checked against the oracle
        // in Fixtures/lxc-config/cases/cores-pick).
        var facts = v2Facts
        facts.cpus = "0-3,8-11"
        let out = configText(try generate(minimal + "cores: 3\n", facts: facts, seed: 2024))
        let fixture = TestFiles.readString(Fixtures.path("lxc-config/cases/cores-pick/expected.out")) ?? ""
        let line = fixture.split(separator: "\n").first { $0.hasPrefix("lxc.cgroup2.cpuset.cpus") }
        #expect(line != nil)
        #expect(out.contains(String(line ?? "") + "\n"))
        var v1 = facts
        v1.cgroupV1Controllers = ["cpuset"]
        v1.cgroupV2Controllers = []
        #expect(configText(try generate(minimal + "cores: 8\n", facts: v1)).contains("lxc.cgroup.cpuset.cpus = 0-3,8-11\n"))
    }

    @Test func randomMACsConsumeOneDrawEach() throws {
        let text = minimal + "net0: name=eth0,bridge=vmbr0\nnet1: name=eth1,bridge=vmbr0,hwaddr=02:00:00:00:00:01\n"
        let out = configText(try generate(text, seed: 7))
        var r = Drand48(seed: 7)
        let mac = Run<TableHostLookup>.mac(from: r.next())
        #expect(out.contains("lxc.net.0.hwaddr = \(mac)\n"))
        #expect(mac.hasPrefix("BC:24:11:"))
        #expect(out.contains("lxc.net.1.hwaddr = 02:00:00:00:00:01\n"))
    }

    @Test func listsSplitAsPerl() {
        typealias R = Run<TableHostLookup>
        #expect(R.splitList("nfs;cifs, ext4") == ["nfs", "cifs", "ext4"])
        #expect(R.splitList(" nfs") == ["nfs"])
        #expect(R.splitEnvironment("A=1\0B=2") == ["A=1", "B=2"])
        #expect(R.splitEnvironment("\0A=1\0\0B=2\0\0") == ["", "A=1", "B=2"])
    }

    @Test func cpuSets() throws {
        #expect(try CPUSet(parsing: "0-3,8-11").shortString == "0-3,8-11")
        #expect(try CPUSet(parsing: " 5 , 1-2,3").shortString == "1-3,5")
        #expect(try CPUSet(parsing: "").members.isEmpty)
        #expect(try CPUSet(parsing: "03-05,007").shortString == "03-5,007")
        #expect(try CPUSet(parsing: "0,0,1").shortString == "0-1")
        #expect(throws: LXCConfigError("invalid range: 05-01 (01 < 05)\n")) { try CPUSet(parsing: "05-01") }
        #expect(throws: LXCConfigError.self) { try CPUSet(parsing: "1,,2") }
    }

    @Test func factsMerge() {
        let partial = HostFacts(cpus: "0-1", bridgeMTU: ["vmbr9": 9000])
        let merged = partial.merged(over: v2Facts)
        #expect(merged.cpus == "0-1")
        #expect(merged.bridgeMTU == ["vmbr9": 9000])
        #expect(merged.lxcVersion == "6.0.5")
        #expect(merged.kernelRelease == v2Facts.kernelRelease)
    }
}

extension String {
    func replacingRootfs(with line: String) -> String {
        split(separator: "\n").filter { !$0.hasPrefix("rootfs:") }.map { $0 + "\n" }.joined() + line
    }
}
