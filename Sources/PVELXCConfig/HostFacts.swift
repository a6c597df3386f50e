/// What the LXC config generator needs to know about the host, as a value.
///
/// Proxmox reads these while it generates (`PVE::LXC::update_lxc_config`): the LXC version
/// (`lxc-start --version`), the cgroup controllers (`PVE::CGroup::get_cgroup_controllers`), the
/// CPUs of the `lxc` cgroup's cpuset, each bridge's MTU (`/sys/class/net/<bridge>/mtu`), the LXC
/// config directory and the kernel release. Every field is optional so that a JSON file can
/// override some of them; ``merged(over:)`` fills the rest from another value (usually
/// ``current()``).
///
/// ```json
/// {"lxcVersion": "6.0.5", "cgroupV1Controllers": [], "cgroupV2Controllers": ["cpuset", "cpu", "memory"],
///  "cpus": "0-7", "bridgeMTU": {"vmbr0": 1500}, "lxcConfigDir": "/usr/share/lxc/config",
///  "kernelRelease": "6.8.12-4-pve"}
/// ```
public struct HostFacts: Codable, Sendable, Hashable {
    /// The first line of `lxc-start --version` (`6.0.5`); nil when it cannot be run.
    public var lxcVersion: String?
    /// The cgroup v1 controllers (from `/proc/self/cgroup`); empty on a pure cgroup v2 host.
    public var cgroupV1Controllers: [String]?
    /// The cgroup v2 controllers (`cgroup.controllers` of the unified hierarchy); nil when the
    /// host has no unified hierarchy.
    public var cgroupV2Controllers: [String]?
    /// The effective CPUs of the `lxc` cgroup's cpuset (`cpuset.cpus.effective`), e.g. `0-7`;
    /// empty when the file does not exist.
    public var cpus: String?
    /// The MTU of each host bridge; a bridge missing here does not exist.
    public var bridgeMTU: [String: Int]?
    /// The LXC config directory (`/usr/share/lxc/config`) whose files decide the includes and
    /// whose `common.seccomp` starts a generated `rules.seccomp`.
    public var lxcConfigDir: String?
    /// The kernel release (`uname -r`, e.g. `6.8.12-4-pve`).
    public var kernelRelease: String?

    /// Creates facts; every field defaults to unknown.
    public init(
        lxcVersion: String? = nil, cgroupV1Controllers: [String]? = nil, cgroupV2Controllers: [String]? = nil,
        cpus: String? = nil, bridgeMTU: [String: Int]? = nil, lxcConfigDir: String? = nil, kernelRelease: String? = nil
    ) {
        self.lxcVersion = lxcVersion
        self.cgroupV1Controllers = cgroupV1Controllers
        self.cgroupV2Controllers = cgroupV2Controllers
        self.cpus = cpus
        self.bridgeMTU = bridgeMTU
        self.lxcConfigDir = lxcConfigDir
        self.kernelRelease = kernelRelease
    }

    /// These facts, with every field that is nil here taken from `base`.
    public func merged(over base: HostFacts) -> HostFacts {
        HostFacts(
            lxcVersion: lxcVersion ?? base.lxcVersion,
            cgroupV1Controllers: cgroupV1Controllers ?? base.cgroupV1Controllers,
            cgroupV2Controllers: cgroupV2Controllers ?? base.cgroupV2Controllers,
            cpus: cpus ?? base.cpus,
            bridgeMTU: bridgeMTU ?? base.bridgeMTU,
            lxcConfigDir: lxcConfigDir ?? base.lxcConfigDir,
            kernelRelease: kernelRelease ?? base.kernelRelease)
    }

    /// The LXC config directory, `/usr/share/lxc/config` when unknown.
    var configDirectory: String { lxcConfigDir ?? "/usr/share/lxc/config" }

    /// Whether v1 hierarchies exist next to the unified one (a "hybrid" host).
    var isHybrid: Bool { !(cgroupV1Controllers ?? []).isEmpty }

    /// The cgroup mode Proxmox derives from the `/sys/fs/cgroup` mount (`PVE::CGroup::cgroup_mode`):
    /// 2 on a pure cgroup v2 host (no v1 controllers), else 1.
    var cgroupMode: Int { isHybrid ? 1 : 2 }

    /// The v2 controllers as Proxmox sees them (`PVE::CGroup::get_v2_controllers`): an empty
    /// `cgroup.controllers` counts as none, and then there is no v2 hierarchy at all (nil).
    var effectiveV2Controllers: [String]? {
        guard let v2 = cgroupV2Controllers, !v2.isEmpty else { return nil }
        return v2
    }

    /// Where the cpuset controller lives (`PVE::CGroup::cpuset_controller_path`): version 2
    /// when the unified hierarchy has it, 1 when a v1 hierarchy has it, nil otherwise.
    var cpusetVersion: Int? {
        if effectiveV2Controllers?.contains("cpuset") == true { return 2 }
        if cgroupV1Controllers?.contains("cpuset") == true { return 1 }
        return nil
    }
}
