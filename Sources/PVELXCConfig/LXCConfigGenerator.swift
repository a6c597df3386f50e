public import PVEConfig
import PVERuntime

/// Where Proxmox refuses to generate an LXC config, with its message.
public struct LXCConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Proxmox's message exactly as it dies with it (usually ending in a newline).
    public var message: String
    /// The config key the problem is about (`net0`, `dev1`, `features`, …), if any.
    public var key: String?
    /// The warnings Proxmox printed before it died.
    public var warnings: [String]

    /// Creates an error.
    public init(_ message: String, key: String? = nil, warnings: [String] = []) {
        self.message = message
        self.key = key
        self.warnings = warnings
    }

    /// The message.
    public var description: String { message }
}

/// The files Proxmox writes into `/var/lib/lxc/<vmid>/` and the warnings it prints.
public struct LXCConfigOutput: Sendable, Hashable {
    /// File name (`config`, `rules.seccomp`) → contents; empty for a template.
    public var files: [String: [UInt8]]
    /// Warnings in the order Proxmox prints them (each ending in a newline).
    public var warnings: [String]

    /// Creates an output.
    public init(files: [String: [UInt8]] = [:], warnings: [String] = []) {
        self.files = files
        self.warnings = warnings
    }
}

/// The LXC configuration Proxmox generates before it starts a container
/// (Proxmox: `PVE::LXC::update_lxc_config` with `make_seccomp_config` and `make_apparmor_config`).
///
/// ```swift
/// var random = Drand48(seed: 1)
/// let output = try LXCConfigGenerator.generate(
///     config, vmid: "100", facts: .current(), host: LiveHostLookup(), random: &random)
/// output.files["config"]  // the text of /var/lib/lxc/100/config
/// ```
public enum LXCConfigGenerator {
    /// The cgroup directories the generated config names for LXC ≥ 4 (relative to each hierarchy):
    /// the monitor's, the container's, and the container's inner directory below it.
    package static func cgroupDirectories(_ vmid: String) -> (monitor: String, container: String, inner: String) {
        ("lxc.monitor/\(vmid)", "lxc/\(vmid)", "ns")
    }

    /// Generates the files for `config` (its main section).
    ///
    /// No I/O: the host is `facts` and `host`. `random` is Perl's `rand` state: one draw per
    /// `netN` without `hwaddr` (Proxmox makes a random MAC; ours is derived from the draw, so it is
    /// reproducible), then the draws of the `cores` CPU pick.
    ///
    /// - Throws: ``LXCConfigError`` with Proxmox's message where Proxmox dies.
    public static func generate(
        _ config: ContainerConfig, vmid: String, facts: HostFacts, host: some HostLookup, random: inout Drand48
    ) throws(LXCConfigError) -> LXCConfigOutput {
        var run = Run(section: config.main, vmid: vmid, facts: facts, host: host)
        do {
            return try run.generate(random: &random)
        } catch {
            var error = error
            error.warnings = run.warnings
            throw error
        }
    }

    /// The `/var/lib/lxc/<vmid>` directory.
    static func directory(_ vmid: String) -> String { "/var/lib/lxc/\(vmid)" }
}

/// One generation: the inputs, the warnings so far and Perl's `$!`.
struct Run<Host: HostLookup> {
    let section: ConfigSection
    let vmid: String
    let facts: HostFacts
    let host: Host
    var warnings: [String] = []
    var files: [String: [UInt8]] = [:]
    /// Perl's `$!`: the errno of the last failed file test. Proxmox checks it after a
    /// *successful* `stat` of a `devN` path too, so an earlier failed test (an ostype without
    /// its own include file, a missing syscalld socket) makes every device "not exist".
    var staleErrno: Int32 = 0

    init(section: ConfigSection, vmid: String, facts: HostFacts, host: Host) {
        self.section = section
        self.vmid = vmid
        self.facts = facts
        self.host = host
    }

    func value(_ key: String) -> String? { section[key] }

    func hasLXCEntry(_ key: String) -> Bool { section.lxc.contains { $0.key == key } }

    var dir: String { LXCConfigGenerator.directory(vmid) }

    mutating func generate(random: inout Drand48) throws(LXCConfigError) -> LXCConfigOutput {
        if perlTrue(value("template")) { return LXCConfigOutput() }

        guard let version = facts.lxcVersion.flatMap(LXCVersion.parse) else {
            throw LXCConfigError("failed to get lxc version\n")
        }
        var raw = ""
        if version.major >= 4 {
            raw += "lxc.cgroup.relative = 0\n"
            let cgroups = LXCConfigGenerator.cgroupDirectories(vmid)
            raw += "lxc.cgroup.dir.monitor = \(cgroups.monitor)\n"
            raw += "lxc.cgroup.dir.container = \(cgroups.container)\n"
            raw += "lxc.cgroup.dir.container.inner = \(cgroups.inner)\n"
        }

        guard let arch = value("arch"), perlTrue(arch) else { throw LXCConfigError(Self.internalError("missing 'arch' - internal error", line: 729)) }
        raw += "lxc.arch = \(arch)\n"

        let customIDMap = hasLXCEntry("lxc.idmap")
        let unprivileged = perlTrue(value("unprivileged")) || customIDMap

        guard let ostype = value("ostype"), perlTrue(ostype) else {
            throw LXCConfigError(Self.internalError("missing 'ostype' - internal error", line: 735))
        }
        // Looked up in the facts' directory, printed as the path LXC reads.
        let cfgpath = Run.lxcConfigPath
        var inc = "\(cfgpath)/\(ostype).common.conf"
        if !isRegularFile(configFile("\(ostype).common.conf")) { inc = "\(cfgpath)/common.conf" }
        raw += "lxc.include = \(inc)\n"
        if unprivileged {
            inc = "\(cfgpath)/\(ostype).userns.conf"
            if !isRegularFile(configFile("\(ostype).userns.conf")) { inc = "\(cfgpath)/userns.conf" }
            raw += "lxc.include = \(inc)\n"
        }

        let features = try parseFeatures()
        raw += try seccomp(unprivileged: unprivileged, features: features)
        raw += apparmor(features: features)
        if features.fuse == true {
            raw += "lxc.apparmor.raw = mount fstype=fuse,\n"
            raw += "lxc.mount.entry = /dev/fuse dev/fuse none bind,create=file 0 0\n"
        }
        if unprivileged && features.forceRwSys != true { raw += "lxc.mount.auto = sys:mixed\n" }

        let entrypoint = value("entrypoint")
        if let entrypoint, entrypoint != "/sbin/init" {
            raw += "lxc.mount.entry = shm dev/shm tmpfs rw,nosuid,nodev,create=dir 0 0\n"
        }

        raw += try devices()

        raw += "lxc.monitor.unshare = 1\n"

        let v2 = facts.effectiveV2Controllers
        if unprivileged && !customIDMap {
            raw += "lxc.idmap = u 0 100000 65536\n"
            raw += "lxc.idmap = g 0 100000 65536\n"
        }

        if let console = value("console"), !perlTrue(console) {
            raw += "lxc.console.path = none\n"
            if v2 != nil { raw += "lxc.cgroup2.devices.deny = c 5:1 rwm\n" }
        }

        raw += "lxc.tty.max = \(value("tty") ?? "2")\n"
        raw += "lxc.environment = TERM=linux\n"
        let hostname = value("hostname")
        raw += "lxc.uts.name = \(perlTrue(hostname) ? hostname ?? "" : "CT\(vmid)")\n"

        if v2?.contains("memory") == true {
            let memoryText = value("memory")
            let memory = perlTrue(memoryText) ? PerlNumeric(memoryText ?? "") : .int(512)
            let max = memory.times(1024).times(1024).truncated
            let high =
                memory.double >= 16 * 1024
                ? memory.minus(128).times(1024).times(1024).truncated : memory.times(1024).times(1016).truncated
            raw += "lxc.cgroup2.memory.max = \(max.text)\n"
            raw += "lxc.cgroup2.memory.high = \(high.text)\n"
            let swap = PerlNumeric(value("swap") ?? "0")
            raw += "lxc.cgroup2.memory.swap.max = \(swap.times(1024).times(1024).truncated.text)\n"
        }

        if v2?.contains("cpu") == true {
            if let cpulimit = value("cpulimit"), perlTrue(cpulimit) {
                raw += "lxc.cgroup2.cpu.max = \(PerlNumeric(cpulimit).times(100000).truncated.text) 100000\n"
            }
            if let shares = value("cpuunits") {
                raw += "lxc.cgroup2.cpu.weight = \(clampShares(shares))\n"
            }
        }

        guard let rootfs = value("rootfs") else { throw LXCConfigError("missing 'rootfs' configuration\n") }
        try checkRootfs(rootfs)

        raw += "lxc.rootfs.path = \(dir)/rootfs\n"
        if let entrypoint { raw += "lxc.init.cmd = \(entrypoint)\n" }

        raw += try networks(lxcMajor: version.major, random: &random)

        if let env = section.environment, perlTrue(env) {
            for variable in Self.splitEnvironment(env) { raw += "lxc.environment.runtime = \(variable)\n" }
        }

        var hadCpuset = false
        for entry in section.lxc {
            if entry.key == "lxc.cgroup2.cpuset.cpus" { hadCpuset = true }
            raw += "\(entry.key) = \(entry.value)\n"
        }

        if let cpusetVersion = facts.cpusetVersion {
            var cpuset = try CPUSet(parsing: facts.cpus ?? "")
            let cores = value("cores")
            if !hadCpuset, perlTrue(cores) {
                let limit = PerlNumeric(cores ?? "").double
                // A limit below 1 empties the set; Proxmox then loops forever (its loop deletes
                // nothing from an empty set), so the pick stops when the set is empty.
                while !cpuset.members.isEmpty, Double(cpuset.members.count) > limit {
                    let index = random.nextInt(below: cpuset.members.count)
                    cpuset.members.remove(at: index)
                }
                raw += "lxc.cgroup\(cpusetVersion == 1 ? "" : "2").cpuset.cpus = \(cpuset.shortString)\n"
            }
        }

        files["config"] = Array(raw.utf8)
        return LXCConfigOutput(files: files, warnings: warnings)
    }

    /// A Perl `die` without a newline: Perl adds where it died. The line is the one in
    /// pve-container's `src/PVE/LXC.pm` at commit 94f55852 (June 2026).
    static func internalError(_ message: String, line: Int) -> String {
        "\(message) at /usr/share/perl5/PVE/LXC.pm line \(line).\n"
    }

    /// Where Proxmox's code looks for LXC's config files (the facts' directory stands in for it).
    static var lxcConfigPath: String { "/usr/share/lxc/config" }

    /// A file of the facts' LXC config directory.
    func configFile(_ name: String) -> String { "\(facts.configDirectory)/\(name)" }

    /// Perl's `-f` (a failure leaves its errno in `$!`).
    mutating func isRegularFile(_ path: String) -> Bool {
        switch host.status(of: path) {
        case .success(let s): return s.isRegularFile
        case .failure(let f):
            staleErrno = f.code
            return false
        }
    }

    /// Perl's `-e` (a failure leaves its errno in `$!`).
    mutating func exists(_ path: String) -> Bool {
        switch host.status(of: path) {
        case .success: return true
        case .failure(let f):
            staleErrno = f.code
            return false
        }
    }

    func parseFeatures() throws(LXCConfigError) -> Features {
        guard let text = value("features"), perlTrue(text) else { return Features() }
        do {
            return try Features(parsing: text)
        } catch {
            throw LXCConfigError(error.description, key: "features")
        }
    }

    /// `make_seccomp_config`.
    mutating func seccomp(unprivileged: Bool, features: Features) throws(LXCConfigError) -> String {
        if hasLXCEntry("lxc.seccomp.profile") {
            var used: [String] = []
            if features.keyctl == true { used.append("keyctl") }
            if features.mknod == true { used.append("mknod") }
            if !used.isEmpty {
                warnings.append(
                    "explicitly configured lxc.seccomp.profile overrides the following settings: \(used.joined(separator: ", "))\n")
            }
            return ""
        }
        if !unprivileged { return "" }

        // Rules by syscall, printed in syscall-name order.
        var rules: [(String, [String])] = [
            ("ioctl", ["errno 1 [1,0x9400,SCMP_CMP_MASKED_EQ,0xff00]"]),
            ("socket", ["errno 97 [0,38,SCMP_CMP_EQ]"]),
        ]
        if features.keyctl != true { rules.append(("keyctl", ["errno 38"])) }
        var raw = ""
        if features.mknod == true {
            let (ok, found) = kernelAtLeast(5, 3)
            if !ok {
                throw LXCConfigError("'mknod' feature requested, but kernel too old (found \(found), required >= 5.3)\n")
            }
            let oldSocket = "/run/pve/lxc-syscalld.sock"
            let newSocket = "/run/pve-lxc-syscalld/socket"
            if !exists(newSocket) && exists(oldSocket) && !host.isSymbolicLink(oldSocket) {
                raw += "lxc.seccomp.notify.proxy = unix:\(oldSocket)\n"
            } else {
                raw += "lxc.seccomp.notify.proxy = unix:\(newSocket)\n"
            }
            raw += "lxc.seccomp.notify.cookie = \(vmid)\n"
            rules.append(("mknod", ["notify [1,8192,SCMP_CMP_MASKED_EQ,61440]", "notify [1,24576,SCMP_CMP_MASKED_EQ,61440]"]))
            rules.append(
                ("mknodat", ["notify [2,8192,SCMP_CMP_MASKED_EQ,61440]", "notify [2,24576,SCMP_CMP_MASKED_EQ,61440]"]))
        }
        rules.sort { $0.0 < $1.0 }
        let extra = rules.flatMap { syscall, list in list.map { "\(syscall) \($0)" } }.joined(separator: "\n") + "\n"
        if extra == "\n" { return raw }
        if raw.isEmpty && extra == "keyctl errno 38\n" {
            return "lxc.seccomp.profile = \(Run.lxcConfigPath)/pve-userns.seccomp\n"
        }
        let base: [UInt8]
        switch host.contents(of: configFile("common.seccomp")) {
        case .success(let bytes):
            base = bytes
            // Perl's open asks whether the new handle is a terminal: `$!` becomes ENOTTY.
            staleErrno = 25
        case .failure(let failure):
            throw LXCConfigError("can't open '\(Run.lxcConfigPath)/common.seccomp' - \(failure.text)\n")
        }
        files["rules.seccomp"] = base + Array(extra.utf8)
        raw += "lxc.seccomp.profile = \(dir)/rules.seccomp\n"
        return raw
    }

    /// `PVE::ProcFSTools::check_kernel_release` on the facts' kernel release.
    func kernelAtLeast(_ major: Int, _ minor: Int) -> (Bool, String) {
        let b = Array((facts.kernelRelease ?? "").utf8)
        // `(\d+(?:\.\d+)+)` at the start: at least two dot-separated numbers.
        var numbers: [String] = []
        var i = 0
        while true {
            let start = i
            while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
            if i == start {
                if !numbers.isEmpty { i -= 1 }  // a dot without digits after it ends the match
                break
            }
            numbers.append(String(decoding: b[start..<i], as: UTF8.self))
            guard i < b.count, b[i] == UInt8(ascii: ".") else { break }
            i += 1
        }
        guard numbers.count >= 2 else { return (false, "0.0") }
        let kMajor = PerlNumeric(numbers[0]).double
        let kMinor = PerlNumeric(numbers[1]).double
        let ok = kMajor > Double(major) || (kMajor == Double(major) && kMinor >= Double(minor))
        return (ok, "\(PerlNumeric(numbers[0]).text).\(PerlNumeric(numbers[1]).text)")
    }

    /// `make_apparmor_config`.
    mutating func apparmor(features: Features) -> String {
        var raw = "lxc.apparmor.profile = generated\n"
        raw += "lxc.apparmor.raw = allow mqueue,\n"
        var uses: [String] = []
        if features.fuse == true { uses.append("features:fuse") }
        if features.nesting == true {
            uses.append("features:nesting")
            raw += "lxc.apparmor.allow_nesting = 1\n"
            raw += "lxc.apparmor.raw = allow userns,\n"
        } else {
            raw += "lxc.apparmor.raw = deny mount -> /proc/,\n"
            raw += "lxc.apparmor.raw = deny mount -> /sys/,\n"
        }
        if let mount = features.mount, perlTrue(mount) {
            uses.append("features:mount")
            for fs in Self.splitList(mount) { raw += "lxc.apparmor.raw = mount fstype=\(fs),\n" }
        }
        if hasLXCEntry("lxc.apparmor.profile") {
            if !uses.isEmpty {
                warnings.append(
                    "explicitly configured lxc.apparmor.profile overrides the following settings: \(uses.joined(separator: ", "))\n")
            }
            return ""
        }
        return raw
    }

    /// The cgroup lines of the `devN` passthrough devices, in index order (Proxmox: hash order).
    mutating func devices() throws(LXCConfigError) -> String {
        var raw = ""
        for (key, _) in Self.indexedKeys(section.keys, prefix: "dev") {
            let device: Device
            do {
                device = try Device(parsing: value(key) ?? "")
            } catch {
                throw LXCConfigError(error.description, key: key)
            }
            let found = host.status(of: device.path)
            if case .failure(let f) = found { staleErrno = f.code }
            if staleErrno == HostLookupFailure.noSuchFile.code {
                throw LXCConfigError("Device \(device.path) does not exist\n", key: key)
            }
            guard case .success(let status) = found else {
                throw LXCConfigError("Error accessing device \(device.path)\n", key: key)
            }
            guard status.isBlockDevice || status.isCharacterDevice else {
                throw LXCConfigError("\(device.path) is not a device\n", key: key)
            }
            let major = (status.rdev & 0xfff00) >> 8
            let minor = ((status.rdev >> 12) & 0xfff00) | (status.rdev & 0xff)
            let type = status.isBlockDevice ? "b" : "c"
            let readOnly = device.denyWrite == true
            raw += "lxc.cgroup2.devices.allow = \(type) \(major):\(minor) \(readOnly ? "r" : "rw")\n"
            if readOnly { raw += "lxc.cgroup2.devices.deny = \(type) \(major):\(minor) w\n" }
        }
        return raw
    }

    /// `PVE::CGroup::clamp_cpu_shares`: v2 caps at 10000, v1 raises to 2.
    func clampShares(_ text: String) -> String {
        let value = PerlNumeric(text).double
        if facts.cgroupMode == 2 {
            return value >= 10000 ? "10000" : text
        }
        return value < 2 ? "2" : text
    }

    /// `parse_volume('rootfs', …)`: the value must parse, and so must its `idmap` entries.
    func checkRootfs(_ text: String) throws(LXCConfigError) {
        let mount: MountPoint
        do {
            mount = try MountPoint(parsing: text, kind: .rootfs)
        } catch {
            throw LXCConfigError(error.description, key: "rootfs")
        }
        if let idmap = mount.idmap, idmap != "passthrough" {
            for entry in idmap.split(separator: ";", omittingEmptySubsequences: true) {
                let f = entry.split(separator: ":", omittingEmptySubsequences: false)
                let ok =
                    f.count == 4 && (f[0] == "u" || f[0] == "g")
                    && f[1...].allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
                if !ok { throw LXCConfigError("failed to parse mount point idmap: \(entry)\n", key: "rootfs") }
            }
        }
    }

    /// The `lxc.net.N.*` lines, interfaces in key order (`net10` before `net2`, as Proxmox sorts).
    func networks(lxcMajor: Int, random: inout Drand48) throws(LXCConfigError) -> String {
        var raw = ""
        for key in section.keys {
            guard let index = Self.index(of: key, prefix: "net") else { continue }
            let text = value(key) ?? ""
            var hwaddr: String?
            var name: String?
            var bridge = ""
            var mtuText: String?
            var net: NetworkInterface?
            if perlTrue(text) {
                let parsed: NetworkInterface
                do {
                    parsed = try NetworkInterface(parsing: text)
                } catch {
                    throw LXCConfigError(error.description, key: key)
                }
                hwaddr = perlTrue(parsed.hwaddr) ? parsed.hwaddr : Self.mac(from: random.next())
                name = parsed.name
                bridge = parsed.bridge ?? ""
                mtuText = parsed.mtu
                net = parsed
            }
            raw += "lxc.net.\(index).type = veth\n"
            raw += "lxc.net.\(index).veth.pair = veth\(vmid)i\(index)\n"
            if let hwaddr { raw += "lxc.net.\(index).hwaddr = \(hwaddr)\n" }
            if let name { raw += "lxc.net.\(index).name = \(name)\n" }

            guard let bridgeMTU = facts.bridgeMTU?[bridge], bridgeMTU != 0 else {
                throw LXCConfigError("bridge '\(bridge)' does not exist\n", key: key)
            }
            let mtu = perlTrue(mtuText) ? mtuText ?? "" : String(bridgeMTU)
            if PerlNumeric(mtu).double > Double(bridgeMTU) {
                throw LXCConfigError("\(key): MTU size '\(mtu)' is bigger than bridge MTU '\(bridgeMTU)'\n", key: key)
            }
            raw += "lxc.net.\(index).mtu = \(mtu)\n"
            if lxcMajor >= 4 { raw += "lxc.net.\(index).script.up = /usr/share/lxc/lxcnetaddbr\n" }

            if let net, net.linkDown != true, net.hostManaged == true {
                if let ip = net.ip, ip != "dhcp", ip != "manual" { raw += "lxc.net.\(index).ipv4.address = \(ip)\n" }
                if let gw = net.gw { raw += "lxc.net.\(index).ipv4.gateway = \(gw)\n" }
                if let ip6 = net.ip6 {
                    if ip6 == "auto" {
                        throw LXCConfigError("\(key): SLAAC is not supported for host-managed network configuration\n", key: key)
                    }
                    if ip6 != "dhcp" && ip6 != "manual" { raw += "lxc.net.\(index).ipv6.address = \(ip6)\n" }
                }
                if let gw6 = net.gw6 { raw += "lxc.net.\(index).ipv6.gateway = \(gw6)\n" }
                raw += "lxc.net.\(index).flags = up\n"
            }
        }
        return raw
    }

    /// The MAC of a `netN` without `hwaddr`, from one `rand()` draw. Proxmox
    /// (`PVE::Tools::random_ether_addr`) hashes its pid, the draw and the time of day, so its MAC
    /// cannot be reproduced; ours is that hash with pid 0 and time 0 — SHA-1 of `"0" . rand() .
    /// "00"` — with the local bit set, the multicast bit cleared and the datacenter's default
    /// prefix `BC:24:11` (the Perl oracle does the same).
    static func mac(from draw: Double) -> String {
        var sha = SHA1()
        sha.update(Array("0\(PerlNumeric.double(draw).text)00".utf8))
        var bytes = Array(sha.finalize().prefix(6))
        bytes[0] = (bytes[0] & 0xfe) | 0x02
        let hex = Array("0123456789ABCDEF")
        let text = bytes.map { String([hex[Int($0 >> 4)], hex[Int($0 & 0xf)]]) }.joined(separator: ":")
        return "BC:24:11" + text.dropFirst(8)
    }

    /// The digits after `prefix` when `key` is `<prefix><digits>`.
    static func index(of key: String, prefix: String) -> String? {
        guard key.hasPrefix(prefix) else { return nil }
        let digits = key.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return String(digits)
    }

    /// Keys `<prefix><digits>` in numeric index order.
    static func indexedKeys(_ keys: [String], prefix: String) -> [(String, String)] {
        keys.compactMap { key in index(of: key, prefix: prefix).map { (key, $0) } }
            .sorted { a, b in
                let x = PerlNumeric(a.1).double
                let y = PerlNumeric(b.1).double
                return x != y ? x < y : a.0 < b.0
            }
    }

    /// `PVE::Tools::split_list`: NUL-separated when it contains a NUL, else split at `,`, `;` and
    /// white space.
    static func splitList(_ text: String) -> [String] {
        if text.contains("\0") { return perlSplit(text) { $0 == 0 } }
        return perlSplit(text) { $0 == 0x2C || $0 == 0x3B || $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
            .filter { !$0.isEmpty }
    }

    /// `split(/\0+/, $env)`: runs of NULs separate, a leading empty field is kept, trailing
    /// empty fields are dropped.
    static func splitEnvironment(_ text: String) -> [String] {
        var fields: [String] = []
        var current: [UInt8] = []
        var inSeparator = false
        for b in text.utf8 {
            if b == 0 {
                if !inSeparator { fields.append(String(decoding: current, as: UTF8.self)) }
                current = []
                inSeparator = true
            } else {
                current.append(b)
                inSeparator = false
            }
        }
        fields.append(String(decoding: current, as: UTF8.self))
        while let last = fields.last, last.isEmpty { fields.removeLast() }
        return fields
    }

    /// Perl's `split` on single separator bytes, trailing empty fields dropped.
    static func perlSplit(_ text: String, _ isSeparator: (UInt8) -> Bool) -> [String] {
        var fields = Array(text.utf8).split(omittingEmptySubsequences: false, whereSeparator: isSeparator).map {
            String(decoding: $0, as: UTF8.self)
        }
        while let last = fields.last, last.isEmpty { fields.removeLast() }
        return fields
    }
}

/// A CPU set as Proxmox's `PVE::CpuSet` holds it: members in ascending order. Perl keys the set
/// by the text of each number, so a CPU written with leading zeros (`03` in `03-05`, the first
/// of a range) keeps them when printed; the others of a range are counted numerically.
struct CPUSet {
    struct Member: Hashable {
        var value: Int
        var text: String
    }

    var members: [Member]

    /// `parse_cpuset`: comma-separated numbers and ranges, white space around each allowed.
    init(parsing text: String) throws(LXCConfigError) {
        var seen: Set<String> = []
        var list: [Member] = []
        func add(_ m: Member) { if seen.insert(m.text).inserted { list.append(m) } }
        for part in Run<TableHostLookup>.perlSplit(text, { $0 == 0x2C }) {
            let trimmed = part.utf8.drop { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
            var body = Array(trimmed)
            while let last = body.last, last == 0x20 || (last >= 0x09 && last <= 0x0D) { body.removeLast() }
            let pieces = body.split(separator: UInt8(ascii: "-"), maxSplits: 1, omittingEmptySubsequences: false)
            let numbers = pieces.map { String(decoding: $0, as: UTF8.self) }
            guard !numbers.isEmpty, numbers.count <= 2,
                numbers.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
                let from = Int(numbers[0]), let to = Int(numbers.last ?? "")
            else { throw LXCConfigError("invalid range: \(part)\n") }
            if to < from { throw LXCConfigError("invalid range: \(part) (\(numbers.last ?? "") < \(numbers[0]))\n") }
            add(Member(value: from, text: numbers[0]))
            if from < to { for cpu in (from + 1)...to { add(Member(value: cpu, text: String(cpu))) } }
        }
        members = list.enumerated().sorted { a, b in
            a.element.value != b.element.value ? a.element.value < b.element.value : a.offset < b.offset
        }.map(\.element)
    }

    /// `short_string`: runs of consecutive CPUs as `a-b`, joined with commas.
    var shortString: String {
        var parts: [String] = []
        var i = 0
        while i < members.count {
            var j = i
            while j + 1 < members.count, members[j + 1].value == members[j].value + 1 { j += 1 }
            parts.append(i == j ? members[i].text : "\(members[i].text)-\(members[j].text)")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }
}
