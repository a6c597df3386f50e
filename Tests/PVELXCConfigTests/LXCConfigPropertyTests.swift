import PVEConfig
import PVETestSupport
import Testing

@testable import PVELXCConfig

/// Random configs and host facts from a seed: keys Proxmox reads, valid and junk values.
struct RandomCase {
    var text = ""
    var facts = v2Facts
    var seed: UInt64 = 0

    init(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        func pick(_ xs: [String]) -> String { xs.randomElement(using: &rng) ?? "" }
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        var lines: [String] = []
        let keys: [(String, [String])] = [
            ("arch", ["amd64", "arm64", "", "0", "weird"]),
            ("ostype", ["debian", "nixos", "alpine", "unmanaged", "0"]),
            ("unprivileged", ["1", "0", "yes", "junk"]),
            ("features", ["nesting=1", "keyctl=1,mknod=1", "fuse=1,mount=nfs;cifs", "force_rw_sys=1", "mount=0", "x=1", "0"]),
            ("hostname", ["ct", "0", ""]),
            ("memory", ["512", "20480", "abc", "1.5", "99999999999999999999", "-5"]),
            ("swap", ["0", "1", "x", "1e3"]),
            ("cpulimit", ["0", "0.5", "0.0", "abc"]),
            ("cpuunits", ["0", "1", "20000", "x"]),
            ("cores", ["1", "4", "64", "abc", "2.5"]),
            ("console", ["0", "1", "x"]),
            ("tty", ["0", "6", "x"]),
            ("entrypoint", ["/sbin/init", "/bin/sh"]),
            ("template", ["0", "1", "x"]),
            ("rootfs", ["local:100/x.raw", "/srv/x", "vol,bogus=1", "vol,idmap=u:0:1:2;g:0:1"]),
        ]
        for (key, values) in keys where chance(0.6) { lines.append("\(key): \(pick(values))") }
        for i in 0..<Int.random(in: 0...3, using: &rng) {
            let net = pick([
                "name=eth0,bridge=vmbr0", "name=eth1,bridge=vmbr0,hwaddr=02:00:00:00:00:01,mtu=1400",
                "name=e,bridge=vmbr0,host-managed=1,ip=10.0.0.2/24,gw=10.0.0.1,ip6=auto", "name=e", "0", "bogus",
                "name=e,bridge=vmbr1", "name=e,bridge=vmbr0,mtu=+100",
            ])
            lines.append("net\(pick(["0", "1", "2", "10", "\(i)", "007"])): \(net)")
        }
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
            lines.append("dev\(Int.random(in: 0...5, using: &rng)): \(pick(["/dev/null", "/dev/loop0", "/dev/x", "uid=1", "/dev/null,deny-write=1"]))")
        }
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
            lines.append(
                pick([
                    "lxc.idmap: u 0 1 2", "lxc.seccomp.profile: x", "lxc.apparmor.profile: y", "lxc.cgroup2.cpuset.cpus: 0",
                    "lxc.environment.runtime: A=1", "lxc.environment.runtime: ", "lxc.mount.entry: a b",
                ]))
        }
        lines.shuffle(using: &rng)
        text = lines.joined(separator: "\n") + "\n"
        facts.lxcVersion = pick(["6.0.5", "3.0.1", "junk", "4.0"])
        facts.cgroupV1Controllers = chance(0.3) ? ["cpuset", "memory"] : []
        facts.cgroupV2Controllers = pick(["cpuset cpu memory", "", "cpu"]).split(separator: " ").map(String.init)
        facts.cpus = pick(["0-7", "", "3", "0-3,8-11", "1-0", "a"])
        facts.kernelRelease = pick(["6.8.12-4-pve", "5.2.0", "", "x"])
        self.seed = UInt64.random(in: 0...UInt64(UInt32.max), using: &rng)
    }

    /// The output, or the error text with its warnings.
    func outcome() -> String {
        guard let config = try? ConfigReader.read(Array(text.utf8), file: "100.conf", vmid: "100").config else { return "unreadable" }
        var random = Drand48(seed: seed)
        do throws(LXCConfigError) {
            let out = try LXCConfigGenerator.generate(config, vmid: "100", facts: facts, host: table, random: &random)
            return out.files.keys.sorted().map { "\($0)\n" + String(decoding: out.files[$0] ?? [], as: UTF8.self) }.joined()
                + out.warnings.joined()
        } catch {
            return "error: " + error.warnings.joined() + error.message
        }
    }
}

@Suite struct LXCConfigPropertyTests {
    /// Random configs never crash the generator; every file ends with a newline; every error
    /// carries a message.
    @Test(arguments: 0..<4)
    func randomConfigsNeverCrash(_ batch: Int) {
        for i in 0..<250 {
            let seed = UInt64(batch * 1000 + i)
            let c = RandomCase(seed: seed)
            let outcome = c.outcome()
            let template = c.text.contains("template: 1") || c.text.contains("template: x")
            #expect(outcome.isEmpty == template, "seed \(seed)")
            if outcome.hasPrefix("error: ") { #expect(outcome.hasSuffix("\n"), "seed \(seed): \(outcome)") }
        }
    }

    /// The output is a pure function of (config, VMID, facts, seed): the same inputs give the same
    /// bytes, however often and in whatever order they are generated.
    @Test func outputIsAPureFunctionOfItsInputs() {
        let cases = (0..<200).map { RandomCase(seed: UInt64(7_000 + $0)) }
        let first = cases.map { $0.outcome() }
        let again = cases.reversed().map { $0.outcome() }.reversed()
        #expect(first == Array(again))
    }

    /// A different seed changes only what depends on `rand`: with all MACs set and no `cores`,
    /// every seed gives the same bytes.
    @Test func seedMattersOnlyForRandomParts() {
        var c = RandomCase(seed: 1)
        c.text = minimal + "net0: name=eth0,bridge=vmbr0,hwaddr=02:00:00:00:00:01\n"
        let outputs = Set(
            (0..<20).map { s -> String in
                c.seed = UInt64(s)
                return c.outcome()
            })
        #expect(outputs.count == 1)
        c.text += "cores: 2\nnet1: name=eth1,bridge=vmbr0\n"
        let varied = Set(
            (0..<20).map { s -> String in
                c.seed = UInt64(s)
                return c.outcome()
            })
        #expect(varied.count > 10)
    }
}
