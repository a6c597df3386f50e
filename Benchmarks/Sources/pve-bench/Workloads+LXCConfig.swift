import Glibc
import PVEConfig
import PVELXCConfig

/// The host the generation benchmark runs against: a pure cgroup v2 Proxmox host whose LXC
/// config directory has every include file, with two bridges.
struct BenchHost: HostLookup {
    static let includes: Set<String> = Set(
        ["common.conf", "userns.conf"] + ["debian", "ubuntu", "alpine", "centos"].flatMap { ["\($0).common.conf", "\($0).userns.conf"] }
    ).reduce(into: []) { $0.insert("/usr/share/lxc/config/" + $1) }
    static let seccomp = Array("2\ndenylist\nreject_force_umount  # comment this to allow umount -f;  not recommended\n[all]\nkexec_load errno 1\n".utf8)

    func status(of path: String) -> Result<HostFileStatus, HostLookupFailure> {
        Self.includes.contains(path) || path.hasSuffix("/common.seccomp")
            ? .success(HostFileStatus(mode: 0o100644, rdev: 0)) : .failure(.noSuchFile)
    }
    func isSymbolicLink(_ path: String) -> Bool { false }
    func contents(of path: String) -> Result<[UInt8], HostLookupFailure> {
        path.hasSuffix("/common.seccomp") ? .success(Self.seccomp) : .failure(.noSuchFile)
    }
}

let benchFacts = HostFacts(
    lxcVersion: "6.0.5", cgroupV1Controllers: [], cgroupV2Controllers: ["cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc"],
    cpus: "0-15", bridgeMTU: ["vmbr0": 1500, "vmbr1": 1500], lxcConfigDir: "/usr/share/lxc/config", kernelRelease: "6.8.12-4-pve")

/// `LXCConfigGenerator.generate` over the config suite's 10,000 configs (seed 42), each with
/// Perl's `srand(<vmid>)`; the configs are parsed once beforehand.
let lxcConfigSuite = BenchmarkSuite(name: "lxc-config") {
    var corpus = ConfigCorpus(seed: 42)
    let count = 10_000
    let texts = (0..<count).map { corpus.config(vmid: 100 + $0) }
    let configs = texts.compactMap { try? ConfigReader.read(Array($0.utf8), file: "x.conf").config }
    precondition(configs.count == count)
    let host = BenchHost()

    func generateAll(into out: inout [UInt8]) {
        for (i, config) in configs.enumerated() {
            var random = Drand48(seed: UInt64(100 + i))
            guard let result = try? LXCConfigGenerator.generate(config, vmid: String(100 + i), facts: benchFacts, host: host, random: &random)
            else { continue }
            for name in result.files.keys.sorted() {
                out += Array("==> /var/lib/lxc/\(100 + i)/\(name) <==\n".utf8)
                out += result.files[name] ?? []
            }
        }
    }

    // PVE_BENCH_LXC_DIR=DIR writes the configs and what we generate for them (for comparing
    // with the Perl loop over the same files).
    if let dir = getenv("PVE_BENCH_LXC_DIR").map({ String(cString: $0) }) {
        for (i, text) in texts.enumerated() {
            guard let f = fopen("\(dir)/\(100 + i).conf", "wb") else { continue }
            fputs(text, f)
            fclose(f)
        }
        var out: [UInt8] = []
        generateAll(into: &out)
        if let f = fopen("\(dir)/ours.out", "wb") {
            _ = out.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
            fclose(f)
        }
        print("wrote \(count) configs and ours.out to \(dir)")
    }

    let wall = measure("lxc-config generate (10,000 configs)", rounds: 7, opsPerRound: count) {
        for (i, config) in configs.enumerated() {
            var random = Drand48(seed: UInt64(100 + i))
            blackHole(try? LXCConfigGenerator.generate(config, vmid: String(100 + i), facts: benchFacts, host: host, random: &random))
        }
    }
    report(wall)
    let cpu = measureCPU("lxc-config generate (10,000 configs)", rounds: 7, opsPerRound: count, bytesPerOp: 0) {
        for (i, config) in configs.enumerated() {
            var random = Drand48(seed: UInt64(100 + i))
            blackHole(try? LXCConfigGenerator.generate(config, vmid: String(100 + i), facts: benchFacts, host: host, random: &random))
        }
    }
    print("\(cpu.name): \(format(cpu.nsPerOp)) ns/config, \(format(cpu.opsPerSecond)) configs/s")
}
