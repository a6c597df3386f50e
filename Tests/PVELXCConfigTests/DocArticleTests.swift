import PVEConfig
import PVELXCConfig
import Testing

/// The code of the PVELXCConfig landing page (Sources/PVELXCConfig/PVELXCConfig.docc), compiled
/// and run. `DocArticleSnippetSyncTests` keeps the two in step.
@Suite("PVELXCConfig articles")
struct PVELXCConfigArticleTests {
    /// PVELXCConfig.md
    @Test func generateForOneContainer() throws {
        let text = "arch: amd64\nostype: debian\nrootfs: local:100/vm-100-disk-0.raw\nmemory: 1024\n"
        let config = try ConfigReader.read(Array(text.utf8), file: "100.conf", vmid: "100").config
        let facts = HostFacts(
            lxcVersion: "6.0.5", cgroupV1Controllers: [], cgroupV2Controllers: ["cpuset", "cpu", "memory"],
            cpus: "0-7", bridgeMTU: ["vmbr0": 1500], lxcConfigDir: "/usr/share/lxc/config", kernelRelease: "6.8.12-4-pve")
        var random = Drand48(seed: 1)  // Perl's srand(1)
        let output = try LXCConfigGenerator.generate(config, vmid: "100", facts: facts, host: LiveHostLookup(), random: &random)
        let lxcConfig = String(decoding: output.files["config"] ?? [], as: UTF8.self)
        print(lxcConfig)  // lxc.cgroup.relative = 0 … lxc.rootfs.path = /var/lib/lxc/100/rootfs
        #expect(lxcConfig.hasPrefix("lxc.cgroup.relative = 0\n"))
        #expect(lxcConfig.contains("lxc.cgroup2.memory.max = 1073741824\n"))
        #expect(lxcConfig.hasSuffix("lxc.rootfs.path = /var/lib/lxc/100/rootfs\n"))
    }
}
